"""``elastic-access report``: who can do what with Cases, Connectors and alerts, and who holds
which Cloud roles, as Markdown, a self-contained HTML page, or CSV."""

from __future__ import annotations

import argparse
import csv
import html
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..core.feature_catalog import SOLUTIONS, Solution
from ..core.report import (
    SOLUTION_NAMES,
    Access,
    MemberRoles,
    Report,
    SpaceAccess,
    build_report,
)
from .common import UsageError, add_config_arguments, load_renderable

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
    """Register ``report`` and its options."""
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
    """Write the report to stdout or ``--output``; exit status 0."""
    config, chosen = load_renderable(args)
    text = FORMATS[args.format](build_report(config, chosen))
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {args.output}: {error.strerror}") from None
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


# ---------------------------------------------------------------- Markdown and HTML

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


def _md(text: str) -> str:
    """A Markdown table cell: backslashes and pipes escaped, on one line."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _html(value: Any) -> Markup:
    """The stdlib's HTML escaping (``&quot;``, ``&#x27;``), which the page always had."""
    return value if isinstance(value, Markup) else Markup(html.escape(str(value), quote=True))


@cache
def _templates(kind: str) -> Environment:
    """HTML is autoescaped (by ``_html``, before Jinja2's own escaping would apply); Markdown
    cells go through the ``md`` filter."""
    environment = Environment(
        loader=PackageLoader("components.cli"),
        autoescape=kind == "html",
        finalize=_html if kind == "html" else None,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    environment.filters["md"] = _md
    return environment


def _page(kind: str, result: Report) -> str:
    return (
        _templates(kind)
        .get_template(f"report.{kind}.j2")
        .render(
            report=result,
            intro=_INTRO,
            css=Markup(_CSS),
            columns=[{"heading": heading, "cell": cell} for _, heading, cell in COLUMNS],
            headings=[heading for _, heading, _ in COLUMNS],
            cells=lambda row: [cell(row).describe() for _, _, cell in COLUMNS],
            member_columns=list(MEMBER_COLUMNS),
            member_cells=_member_cells,
            scopes=_scopes,
            space_title=_space_title,
        )
    )


def to_markdown(result: Report) -> str:
    """Markdown: one table per space, then the members table."""
    return _page("md", result)


def to_html(result: Report) -> str:
    """One self-contained page (inline CSS, no scripts, no external resources)."""
    return _page("html", result)


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
