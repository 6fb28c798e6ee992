"""What ``elastic-access import`` builds, and the stack config YAML it prints.

The YAML is meant to be saved as it is and used: ``validate`` accepts it and ``render`` gives
back what is live (issue 13 §3). So it never holds YAML anchors or aliases (PyYAML writes
``&id001`` / ``*id001`` when two entries share one list object, which a reader cannot follow),
and what the config cannot say exactly is a comment above the entry concerned, not only a line
on stderr.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

from .stack import NAMESPACE


@dataclass
class Imported:
    """Config entries (YAML-ready) keyed by role name, email or space id; ``notes`` for stderr;
    ``comments``: per entry key, the lines written as YAML comments above that entry."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    comments: dict[str, list[str]] = field(default_factory=dict)

    def comment(self, key: str, text: str, *, where: str | None = None) -> None:
        """Say ``text`` above entry ``key`` and on stderr (there prefixed with ``where``, the
        entry's field path such as ``roles.r``, when given)."""
        self.comments.setdefault(key, []).append(text)
        self.notes.append(f"{where}: {text}" if where else text)


@dataclass(frozen=True)
class Section:
    """One ``elastic-access:<name>`` key of the printed config: its value, and for sections of
    entries (roles, members, spaces) the comments above each entry."""

    name: str
    value: Mapping[str, Any]
    comments: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, name: str, imported: Imported) -> Section:
        """The section of imported entries."""
        return cls(name, imported.entries, imported.comments)


class _Dumper(yaml.SafeDumper):
    """Block style, with short lists of plain values in flow style (``spaces: [soc]``, as the
    contract writes them), and never an anchor or alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # A list under a key is indented below it (``kibana:`` then ``  - spaces: ...``).
        super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = bool(data) and all(isinstance(item, str | int | float | bool) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    # PyYAML writes these line breaks raw in plain and single-quoted scalars, where a reader
    # folds them into a space; double quotes escape them.
    style = '"' if any(c in data for c in "\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """``data`` as block YAML in insertion order, without anchors or aliases."""
    text: str = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=100,
    )
    return text


def _indented(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def _comment_lines(text: str, spaces: int) -> str:
    """``text`` as comment lines of at most 100 characters where words allow, continuation
    lines indented by two more spaces; a line break in ``text`` (a name can hold one) cannot end
    the comment."""
    # YAML allows no control character even in a comment: such a one is written escaped.
    printable = "".join(
        c if c.isprintable() or c.isspace() else c.encode("unicode_escape").decode()
        for c in str(text)
    )
    lines = textwrap.wrap(
        " ".join(printable.split()),
        width=100 - spaces - 2,
        subsequent_indent="  ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "".join(f"{' ' * spaces}# {line}\n" for line in lines or [""])


def config_yaml(sections: Sequence[Section], header: Sequence[str] = ()) -> str:
    """A Pulumi stack config file: ``header`` as comment lines, then ``config:`` with one key
    ``elastic-access:<name>`` per section, in order, each entry preceded by its comments."""
    out = "".join(_comment_lines(line, 0) for line in header)
    out += "config:\n"
    for section in sections:
        key = f"{NAMESPACE}:{section.name}"
        if not section.value:
            out += _indented(dump_yaml({key: {}}), 2)
            continue
        out += f"  {key}:\n"
        for name, value in section.value.items():
            for text in section.comments.get(name, ()):
                out += _comment_lines(text, 4)
            out += _indented(dump_yaml({name: value}), 4)
    return out


def without_userinfo(url: str) -> str:
    """``url`` without a ``user:password@`` part, which must never be printed."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
