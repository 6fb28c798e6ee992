"""``elastic-access report``: who can do what with Cases, Connectors, alerts and the rest, per
role and space, and who holds which Cloud roles, as Markdown, a self-contained HTML page (that
prints on landscape pages), or one CSV table."""

from __future__ import annotations

import argparse
import csv
import html
import io
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..core.report import (
    COLUMNS,
    Access,
    MemberRoles,
    Report,
    SpaceAccess,
    SpaceInfo,
    build_report,
)
from ..core.versions import KibanaTarget
from .common import UsageError, add_config_arguments, config_path, load_renderable, project_root

EPILOG = """\
What a cell says: all, read, none, or customised (minimal privileges plus chosen sub-features,
spelled out: "all except delete cases and comments", "read plus re-open closed cases"). A
space's rows hold every role that grants anything there, directly or in all spaces (*), with
what it grants in that space and in all spaces together. Base privileges and raw kibana entries
count, not only the shorthands. Security alerts note "no alert index privileges" when the role
cannot read the space's .alerts-security.alerts-<space> index. "Other privileges" lists the
rest in words: Kibana features (Discover: read) and Elasticsearch privileges. The report says
what all and read include in the Kibana release it is rendered for, and what each member's
Cloud roles give inside deployments and projects (stack role, predefined or custom role).

CSV: one table, one header, a row per (role, space), per member role assignment and per space;
the section column (role | member | space) says which columns apply, the others are empty.
  role rows: space (* = all spaces; empty = no Kibana privileges), role, description,
    all_spaces (only | also: the row's access comes only, or also, from the role's * entry),
    then for cases_observability, cases_security, cases_stack, connectors,
    alerts_observability, alerts_security, alerts_stack a level column (all | read |
    customised | none) and a <column>_detail column, then other_privileges ("; "-separated).
  member rows: member, protected (true | false), cloud_role, scope (organization | deployment
    | project), project_type, target (all, or the organization, deployment or project id),
    application_roles ("; "-separated; empty: none given), inside (what it gives in Elasticsearch
    and Kibana).
  space rows: space, space_name, description, solution, disabled_features ("; "-separated),
    declared (true: under elastic-access:spaces; false: only named by roles), roles (how many
    roles grant there).
"""


def add_parser(commands: Any) -> None:
    """Register ``report`` and its options."""
    parser = commands.add_parser(
        "report",
        help="who can do what with Cases, Connectors, alerts and the rest; who holds which "
        "Cloud roles",
        description="Report, per role and space, the Cases access per solution, the Connectors "
        "access, the alerts access per solution and every other Kibana and Elasticsearch "
        "privilege in words, computed from the rendered role bodies; the spaces; and per "
        "member the Cloud role assignments and what they give inside deployments and projects. "
        "Offline. Exit 2 when the config cannot be rendered.",
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
    result = build_report(config, chosen)
    text = FORMATS[args.format](result, about(args, chosen))
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {args.output}: {error.strerror}") from None
    else:
        print(text, end="")
    return 0


# ---------------------------------------------------------------- the header


@dataclass(frozen=True)
class About:
    """What the report was made from: the stack, its config file and that file's commit, the
    Kibana it was rendered for, and when."""

    stack: str
    path: str
    commit: str
    target: str
    generated: str


def about(args: argparse.Namespace, target: KibanaTarget) -> About:
    """The header of the report of ``args`` (``--stack`` / ``--config``) for ``target``."""
    path = config_path(args)
    stack = args.stack or path.name.removeprefix("Pulumi.").removesuffix(".yaml")
    try:
        shown = str(path.resolve().relative_to(project_root()))
    except ValueError:
        shown = str(path)
    return About(stack, shown, config_commit(path), target_words(target), generated_at())


def target_words(target: KibanaTarget) -> str:
    """``Kibana 9.1.0 (stateful)``, ``Kibana serverless (security project)``."""
    return str(target) if target.serverless else f"{target} (stateful)"


def generated_at() -> str:
    """Now, in UTC to the minute; ``SOURCE_DATE_EPOCH`` (seconds) when set, for reproducible
    output (reproducible-builds.org)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def _git(folder: Path, *args: str) -> str | None:
    """git's output in ``folder``; None when git is missing, fails or takes over 10 seconds."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=folder, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def config_commit(path: Path) -> str:
    """``commit 1a2b3c4 of 2026-11-30``, with ``, with uncommitted changes`` when the file
    differs from it; ``not committed to git`` for a file git does not track; empty outside a
    git work tree."""
    folder, name = path.resolve().parent, path.name
    if _git(folder, "rev-parse", "--is-inside-work-tree") != "true":
        return ""
    last = _git(folder, "log", "-1", "--format=%h of %cs", "--", name)
    if not last:
        return "not committed to git"
    changed = _git(folder, "status", "--porcelain", "--", name)
    return f"commit {last}, with uncommitted changes" if changed else f"commit {last}"


# ---------------------------------------------------------------- Markdown and HTML

_INTRO = (
    "A space's rows hold every role that grants anything there, directly or in all spaces (*): "
    "what the role can do in that space, everything it is granted there and in all spaces "
    "together. Roles that grant in all spaces also have their own section. What all and read "
    "include in this Kibana release is at the end."
)

_VIA = {"only": "via all spaces (*)", "also": "here and in all spaces (*)"}


def _space_title(space: str) -> str:
    if space == "*":
        return "All spaces (*)"
    if not space:
        return "No Kibana privileges"
    return f"Space {space}"


def _hidden(space: SpaceInfo) -> str:
    """A space's hidden features, or that its solution decides them (Kibana derives them)."""
    if space.disabled_features:
        return ", ".join(space.disabled_features)
    if space.solution in ("es", "oblt", "security"):
        return f"those solution {space.solution} hides"
    return ""


def _member_name(member: MemberRoles) -> str:
    return f"{member.email} (protected)" if member.protected else member.email


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem 2rem;
       color: #1f2328; background: #ffffff; font-size: 14px; }
h1 { font-size: 1.6em; margin: 0 0 0.4em; } h2 { font-size: 1.2em; margin: 1.6em 0 0.4em; }
.about { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; margin: 0; }
.about dt { font-weight: 600; } .about dd { margin: 0; }
table { border-collapse: collapse; margin: 0.4em 0 0.8em; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #d0d7de; padding: 0.3em 0.45em; text-align: left;
         vertical-align: top; font-size: 0.88em; overflow-wrap: break-word; }
thead th { background: #f6f8fa; }
thead tr + tr th { font-size: 0.8em; }
tbody th { font-weight: normal; }
th.group { text-align: center; }
.role { display: block; font-weight: 700; }
.all { background: #d1f0d9; } .read { background: #dbeafe; }
.customised { background: #fff1c2; } .none { color: #8c959f; }
.detail, .note, .description, .via { display: block; font-size: 0.92em; color: #57606a; }
.via { font-style: italic; }
.other span { display: block; }
.legend span { padding: 0.1em 0.5em; margin-right: 0.4em; border: 1px solid #d0d7de; }
col.role-col { width: 13%; } col.cell-col { width: 9.5%; } col.other-col { width: 20.5%; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  body { margin: 0; font-size: 7.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
}
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


def _md_role(row: SpaceAccess) -> str:
    return f"{row.role} ({_VIA[row.all_spaces]})" if row.all_spaces else row.role


def _page(kind: str, result: Report, header: About) -> str:
    return (
        _templates(kind)
        .get_template(f"report.{kind}.j2")
        .render(
            report=result,
            about=header,
            intro=_INTRO,
            css=Markup(_CSS),
            columns=COLUMNS,
            headings=[c.heading for c in COLUMNS],
            cells=lambda row: [c.cell(row).describe() for c in COLUMNS],
            md_role=_md_role,
            via=_VIA,
            member_name=_member_name,
            hidden=_hidden,
            space_title=_space_title,
        )
    )


def to_markdown(result: Report, header: About) -> str:
    """Markdown: the header, what the levels mean, the spaces, one table per space, then the
    members."""
    return _page("md", result, header)


def to_html(result: Report, header: About) -> str:
    """One self-contained page (inline CSS with a print stylesheet, no scripts, no external
    resources)."""
    return _page("html", result, header)


# ---------------------------------------------------------------- CSV

ROLE_FIELDS = [
    "role",
    "description",
    "all_spaces",
    *(f for c in COLUMNS for f in (c.key, f"{c.key}_detail")),
    "other_privileges",
]
MEMBER_FIELDS = [
    "member",
    "protected",
    "cloud_role",
    "scope",
    "project_type",
    "target",
    "application_roles",
    "inside",
]
SPACE_FIELDS = ["space_name", "solution", "disabled_features", "declared", "roles"]
CSV_FIELDS = list(dict.fromkeys(["section", "space", *ROLE_FIELDS, *MEMBER_FIELDS, *SPACE_FIELDS]))


def _csv_detail(access: Access) -> str:
    return "; ".join(part for part in (access.detail(), access.note) if part)


def _csv_rows(result: Report) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for row in (row for space in result.sections() for row in result.rows_in(space)):
        cells = {
            "section": "role",
            "space": row.space,
            "role": row.role,
            "description": row.description,
            "all_spaces": row.all_spaces,
            "other_privileges": "; ".join(row.other),
        }
        for column in COLUMNS:
            access = column.cell(row)
            cells[column.key], cells[f"{column.key}_detail"] = access.level, _csv_detail(access)
        rows.append(cells)
    for member in result.members:
        for grant in member.grants:
            apps = grant.application_roles
            rows.append(
                {
                    "section": "member",
                    "member": member.email,
                    "protected": str(member.protected).lower(),
                    "cloud_role": grant.role,
                    "scope": grant.scope,
                    "project_type": grant.project_type,
                    "target": grant.target,
                    "application_roles": "" if apps is None else "; ".join(apps),
                    "inside": grant.inside,
                }
            )
    for space in result.spaces:
        rows.append(
            {
                "section": "space",
                "space": space.id,
                "space_name": space.name,
                "description": space.description,
                "solution": space.solution,
                "disabled_features": "; ".join(space.disabled_features),
                "declared": str(space.declared).lower(),
                "roles": str(space.roles),
            }
        )
    return rows


def to_csv(result: Report, header: About) -> str:
    """One CSV table (``CSV_FIELDS``): role, member and space rows told apart by ``section``,
    as the command's --help describes. ``header`` is not part of it (a table has no title)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_FIELDS, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(_csv_rows(result))
    return buffer.getvalue()


FORMATS: dict[str, Callable[[Report, About], str]] = {
    "md": to_markdown,
    "html": to_html,
    "csv": to_csv,
}
