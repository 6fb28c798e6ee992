"""``elastic-access report``: who can do what with Cases, Connectors and alerts, and who holds
which Cloud roles, as Markdown, a self-contained HTML page, or CSV."""

from __future__ import annotations

import argparse
import csv
import html
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.feature_catalog import SOLUTIONS, Solution
from ..core.report import (
    SOLUTION_NAMES,
    Access,
    MemberRoles,
    Report,
    SpaceAccess,
    build_report,
)
from .common import add_config_arguments, fail, load_renderable

EPILOG = """\
What a cell says: all, read, none, or customised (minimal privileges plus chosen sub-features,
spelled out: "all except delete cases", "read plus add comments, reopen cases"). A space's row
counts what the role grants in that space and in all spaces (*). Base privileges and raw kibana
entries count, not only the shorthands. Security alerts note "no alert index privileges" when
the role cannot read the space's .alerts-security.alerts-<space> index.

CSV layout: two blocks separated by one empty line, each with its header row.
  1. one row per (role, space): role, space, description, then for each of cases_observability,
     cases_security, cases_stack, connectors, alerts_observability, alerts_security,
     alerts_stack a level column (all | read | customised | none) and a <column>_detail column
     (the sub-features in words and notes). space is * for all spaces, empty for a role without
     Kibana privileges.
  2. one row per member: member, protected (true | false), organization, deployments, projects;
     several roles in one cell are separated by "; ".
"""

Column = tuple[str, str, Callable[[SpaceAccess], Access]]


def _cases(solution: Solution) -> Column:
    return f"cases_{solution}", f"Cases: {SOLUTION_NAMES[solution]}", lambda r: r.cases[solution]


def _alerts(solution: Solution) -> Column:
    return f"alerts_{solution}", f"Alerts: {SOLUTION_NAMES[solution]}", lambda r: r.alerts[solution]


# (key, heading, how to read the cell from a row)
COLUMNS: list[Column] = [
    *(_cases(s) for s in SOLUTIONS),
    ("connectors", "Connectors", lambda r: r.connectors),
    *(_alerts(s) for s in SOLUTIONS),
]
MEMBER_COLUMNS = ("Member", "Organization", "Deployments", "Projects")


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "report",
        help="who can do what with Cases, Connectors and alerts; who holds which Cloud roles",
        description="Report, per role and space, the Cases access per solution, the Connectors "
        "access and the alerts access per solution, computed from the rendered role bodies; "
        "and per member the organization, deployment and project roles. Offline. Exit 2 when "
        "the config cannot be rendered.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_config_arguments(parser)
    parser.add_argument("--format", choices=("md", "html", "csv"), default="md", help="default: md")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    loaded = load_renderable(args)
    if isinstance(loaded, int):
        return loaded
    config, chosen = loaded
    text = FORMATS[args.format](build_report(config, chosen))
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            return fail(f"cannot write {args.output}: {error.strerror}")
    else:
        print(text, end="")
    return 0


_INTRO = (
    "Cases, Connectors and alerts access per role and space; a space's rows include what "
    "the role grants in all spaces (*)."
)


def _space_title(space: str) -> str:
    if space == "*":
        return "All spaces (*)"
    if not space:
        return "No Kibana privileges"
    return f"Space {space}"


def _member_cells(member: MemberRoles) -> list[str]:
    name = f"{member.email} (protected)" if member.protected else member.email
    return [name, *("; ".join(cells) or "none" for cells in _scopes(member))]


def _scopes(member: MemberRoles) -> tuple[tuple[str, ...], ...]:
    return (member.organization, member.deployments, member.projects)


# ---------------------------------------------------------------- Markdown


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(_md(c) for c in cells) + " |"


def to_markdown(result: Report) -> str:
    """Markdown: one table per space, then the members table."""
    lines = [
        "# elastic-access report",
        "",
        f"Target: {result.target}. {_INTRO}",
    ]
    for space in result.spaces:
        lines += ["", f"## {_md(_space_title(space))}", ""]
        lines.append(_md_row(["Role", *(heading for _, heading, _ in COLUMNS)]))
        lines.append("|" + "---|" * (len(COLUMNS) + 1))
        for row in result.rows_in(space):
            lines.append(_md_row([row.role, *(cell(row).describe() for _, _, cell in COLUMNS)]))
    lines += ["", "## Members", ""]
    if result.members:
        lines.append(_md_row(list(MEMBER_COLUMNS)))
        lines.append("|" + "---|" * len(MEMBER_COLUMNS))
        lines += [_md_row(_member_cells(m)) for m in result.members]
    else:
        lines.append("No members are declared.")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- HTML

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem;
       color: #1f2328; background: #ffffff; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #d0d7de; padding: 0.35rem 0.6rem; text-align: left;
         vertical-align: top; font-size: 0.9rem; }
th { background: #f6f8fa; }
th[scope="row"] { white-space: nowrap; }
.all { background: #d1f0d9; } .read { background: #dbeafe; }
.customised { background: #fff1c2; } .none { color: #8c959f; }
.detail, .note { display: block; font-size: 0.8rem; color: #57606a; }
.legend span { padding: 0.1rem 0.5rem; margin-right: 0.4rem; border: 1px solid #d0d7de; }
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _html_cell(access: Access) -> str:
    parts = [f"<strong>{_esc(access.level)}</strong>"]
    if access.level == "customised":
        parts.append(f'<span class="detail">{_esc(access.detail())}</span>')
    if access.note:
        parts.append(f'<span class="note">{_esc(access.note)}</span>')
    return f'<td class="{access.level}">{"".join(parts)}</td>'


def to_html(result: Report) -> str:
    """One self-contained page (inline CSS, no scripts, no external resources)."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>elastic-access report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>elastic-access report</h1>",
        f"<p>Target: {_esc(str(result.target))}. {_esc(_INTRO)}</p>",
        '<p class="legend"><span class="all">all</span><span class="read">read</span>'
        '<span class="customised">customised (sub-features chosen)</span>'
        '<span class="none">none</span></p>',
    ]
    for space in result.spaces:
        out.append(f"<h2>{_esc(_space_title(space))}</h2>")
        out.append("<table><thead><tr><th>Role</th>")
        out += [f"<th>{_esc(heading)}</th>" for _, heading, _ in COLUMNS]
        out.append("</tr></thead><tbody>")
        for row in result.rows_in(space):
            title = f' title="{_esc(row.description)}"' if row.description else ""
            out.append(f'<tr><th scope="row"{title}>{_esc(row.role)}</th>')
            out += [_html_cell(cell(row)) for _, _, cell in COLUMNS]
            out.append("</tr>")
        out.append("</tbody></table>")
    out.append("<h2>Members</h2>")
    if result.members:
        out.append("<table><thead><tr>")
        out += [f"<th>{_esc(c)}</th>" for c in MEMBER_COLUMNS]
        out.append("</tr></thead><tbody>")
        for member in result.members:
            cells = _member_cells(member)
            out.append(f'<tr><th scope="row">{_esc(cells[0])}</th>')
            for scope in _scopes(member):
                out.append(f"<td>{'<br>'.join(_esc(c) for c in scope) or 'none'}</td>")
            out.append("</tr>")
        out.append("</tbody></table>")
    else:
        out.append("<p>No members are declared.</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- CSV


def _csv_detail(access: Access) -> str:
    return "; ".join(part for part in (access.detail(), access.note) if part)


def to_csv(result: Report) -> str:
    """Two CSV blocks (roles by space, then members), as the command's --help describes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = ["role", "space", "description"]
    for key, _, _ in COLUMNS:
        header += [key, f"{key}_detail"]
    writer.writerow(header)
    for row in result.rows:
        cells = [row.role, row.space, row.description]
        for _, _, cell in COLUMNS:
            access = cell(row)
            cells += [access.level, _csv_detail(access)]
        writer.writerow(cells)
    buffer.write("\n")
    writer.writerow(["member", "protected", "organization", "deployments", "projects"])
    for member in result.members:
        scopes = ["; ".join(s) for s in _scopes(member)]
        writer.writerow([member.email, str(member.protected).lower(), *scopes])
    return buffer.getvalue()


FORMATS: dict[str, Callable[[Report], str]] = {
    "md": to_markdown,
    "html": to_html,
    "csv": to_csv,
}
