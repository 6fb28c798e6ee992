"""Reading a Pulumi stack file (``stacks/Pulumi.<stack>.yaml``) the way the Pulumi CLI reads it.

The Pulumi program never sees the file: the Pulumi CLI parses it (Go, gopkg.in/yaml.v3) and
hands the program the values. So that ``validate``, ``render`` and ``report`` see the values the
program sees, this reader follows the CLI where it differs from PyYAML's YAML 1.1 defaults
(each rule checked against the real engine):

* UTF-8, or UTF-16 with a byte order mark; other bytes are refused (the CLI: "invalid trailing
  UTF-8 octet").
* A key given twice in one mapping is refused, naming both lines (the CLI: "mapping key "a"
  already defined at line 3"); the last one no longer silently wins.
* ``yes``, ``no``, ``on``, ``off`` are text; only ``true`` and ``false`` are booleans.
* Merge keys (``<<: *base``) work; explicit keys win over merged ones.

Where the CLI would hand the program something other than what the file says, the reader refuses
it with the line and how to quote it. The program cannot refuse these: the values it gets have
already changed.

* A key that is not text: the CLI turns it into text its own way, ``0123:`` into "83", ``1e5:``
  into "100000", ``TRUE:`` into "true", ``null:`` into "<nil>", a date into "2024-01-02 00:00:00
  +0000 UTC", and when two keys become one it keeps one of them without a word.
* A date or time as a value (passed on as "2024-01-01 00:00:00 +0000 UTC").
* ``!!binary`` (passed on decoded) and every other tag but ``!!str``, ``!!seq`` and ``!!map``.
* A number written in another base or with leading zeros or underscores (``012`` is passed on
  as 10, ``0x1F`` as 31), or too large for 64 bits (passed on rounded to a float); Python's
  ``int()`` of 4,301 digits and more raises, so long digit strings are never converted.
* ``.inf`` and ``.nan``: JSON has no such numbers and the CLI refuses the file.

Bounds (``limits``): file size, nesting depth, number of values once aliases are expanded; an
alias inside the node it names is refused. Every problem is ``<file>:<line>:<column>`` (both
from 1) and the config field path.
"""

from __future__ import annotations

import codecs
import datetime
import math
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_VALUES
from .problems import InvalidConfig, Problem, field_path, shorten

NAMESPACE = "elastic-access"
_TAG = "tag:yaml.org,2002:"
STR, SEQ, MAP = f"{_TAG}str", f"{_TAG}seq", f"{_TAG}map"
NULL, BOOL, INT, FLOAT = f"{_TAG}null", f"{_TAG}bool", f"{_TAG}int", f"{_TAG}float"
TIMESTAMP, MERGE = f"{_TAG}timestamp", f"{_TAG}merge"


class YamlFloat(float):
    """A float that remembers how the file wrote it (``9.10``), so a message can quote it."""

    text: str

    def __new__(cls, text: str) -> YamlFloat:
        number = super().__new__(cls, text)
        number.text = text
        return number


# ---------------------------------------------------------------- scalars as yaml.v3 reads them


class _Resolver(BaseResolver):
    """gopkg.in/yaml.v3's implicit types (resolve.go): YAML 1.2 booleans and nulls, Go's
    integer literals (with ``_``), YAML-style floats, timestamps, the merge key."""

    yaml_implicit_resolvers: dict[Any, Any] = {}


_SIGNED = list("-+0123456789.")
for _tag, _pattern, _first in (
    (BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    (NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (
        TIMESTAMP,
        r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
        r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
        r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$",
        list("0123456789"),
    ),
    (
        INT,
        r"^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$",
        _SIGNED,
    ),
    (
        FLOAT,
        r"^(?:[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        _SIGNED,
    ),
    (MERGE, r"^<<$", ["<"]),
):
    _Resolver.add_implicit_resolver(_tag, re.compile(_pattern), _first)

_DECIMAL = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_EXACT = (-(2**63), 2**64)  # the CLI keeps int64 and uint64 exactly, rounds the rest to floats


def _go_integer(text: str) -> int | None:
    """What Go's ``strconv.ParseInt(text, 0, 64)`` reads (yaml.v3 strips ``_`` first), for a
    short text; None when Go would not read it as an integer."""
    plain = text.replace("_", "")
    sign = -1 if plain.startswith("-") else 1
    digits = plain.lstrip("+-")
    bases = {"0x": 16, "0X": 16, "0o": 8, "0O": 8, "0b": 2, "0B": 2}
    base = bases.get(digits[:2], 8 if len(digits) > 1 and digits.startswith("0") else 10)
    body = digits[2:] if digits[:2] in bases else digits
    try:
        return sign * int(body, base) if len(body) <= 64 else None
    except ValueError:
        return None


def _number_problem(node: ScalarNode) -> str | None:
    """Why the CLI would hand the program another number than this plain scalar says, or
    None: decimal integers that fit 64 bits and finite floats without ``_`` are kept."""
    text = node.value
    bare = text.lstrip("+-")
    quoted = shorten(text)
    if bare.lower() in (".inf", ".nan"):
        return f'{text} is not a number JSON can carry, and Pulumi refuses it; quote it: "{text}"'
    if node.tag == INT and _DECIMAL.match(text):
        if len(bare) <= 20 and _EXACT[0] <= int(text) < _EXACT[1]:
            return None
        return (
            f"{quoted} is a number of {len(bare):,} digits, too large to keep exactly: Pulumi "
            f'would pass on a rounded one; quote it: "{quoted}"'
        )
    if node.tag == FLOAT and "_" not in text:
        if len(text) <= 1000 and math.isfinite(float(text)):
            return None
        return f'{quoted} is out of the range of numbers; quote it: "{quoted}"'
    value = _go_integer(text) if node.tag == INT else None
    if value is None and len(text) <= 1000:
        try:  # Go reads 08 and 1_0.5 as floats
            number = float(text.replace("_", ""))
            value = int(number) if number.is_integer() else None
        except (ValueError, OverflowError):  # 0x and 65 hex digits, 1e999
            value = None
    if value is None:
        return f'{quoted} is read by YAML as a number; quote it if it is text: "{quoted}"'
    return (
        f"{quoted} is read by YAML as the number {value}; quote it if it is text "
        f'("{quoted}"), or write {value}'
    )


def _calendar_date(text: str) -> bool:
    try:
        datetime.date(*(int(part) for part in text.split("-")))
    except ValueError:
        return False
    return True


def _date_problem(text: str) -> str:
    """A date is passed on as Go prints a time; a date and time in one of several forms."""
    date = _DATE.match(text)
    if date:
        passed = f"{int(date[1]):04}-{int(date[2]):02}-{int(date[3]):02} 00:00:00 +0000 UTC"
        return f'{text} is a date to YAML, which Pulumi passes on as "{passed}"; quote it: "{text}"'
    return (
        f"{shorten(text)} is a date and time to YAML, which Pulumi may pass on in another form; "
        f'quote it: "{shorten(text)}"'
    )


_KINDS = {NULL: "empty (null)", BOOL: "a boolean", INT: "a number", FLOAT: "a number"}


# ---------------------------------------------------------------- parsing


class _PythonParser(Reader, Scanner, Parser, Composer):
    """PyYAML's pure-Python parser, where PyYAML was built without libyaml."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)


_Parser: type[Any]
try:  # libyaml parses and composes in C (about 4x faster) and caps nesting at 1,000 itself
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = _PythonParser


class _Loader(_Parser, _Resolver):  # type: ignore[misc]
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _Resolver.__init__(self)


def read_stack_document(path: Path, name: str | None = None) -> Any:
    """The YAML document of a stack file as plain data (dict, list, str, int, float, bool,
    None), read as the Pulumi CLI reads it (module docstring).

    ``name`` is the file's name in messages (default: ``path``). Raises ``InvalidConfig`` with
    every problem found, each ``<name>:<line>:<column>: <field path>: <what to do>``; an
    ``OSError`` when the file cannot be read.
    """
    shown = name or str(path)
    with open(path, "rb") as file:
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InvalidConfig(
            [Problem(shown, f"is larger than {MAX_FILE_BYTES // 2**20} MiB; no stack file is")]
        )
    text = _decode(data, shown)
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        raise InvalidConfig([_syntax_problem(error, text, shown)]) from None
    except yaml.YAMLError as error:  # the reader's "unacceptable character"
        position = getattr(error, "position", 0)
        raise InvalidConfig(
            [Problem(_at(shown, text, position), f"is not valid YAML: {_first_line(error)}")]
        ) from None
    except RecursionError:  # the pure-Python composer only
        raise InvalidConfig(
            [Problem(shown, f"is nested more than {MAX_DEPTH} levels deep")]
        ) from None
    if root is None:
        return None
    return _Builder(shown).build(root)


def _decode(data: bytes, shown: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InvalidConfig(
                [Problem(shown, "starts as UTF-16 but is not; save the file as UTF-8")]
            ) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            start = data.rfind(b"\n", 0, error.start) + 1
            line = data.count(b"\n", 0, error.start) + 1
            column = len(data[start : error.start].decode("utf-8", "replace")) + 1
            raise InvalidConfig(
                [
                    Problem(
                        f"{shown}:{line}:{column}",
                        f"byte 0x{data[error.start]:02x} is not UTF-8 (a Latin-1 or Windows "
                        "file?); Pulumi reads stack files as UTF-8: save the file as UTF-8",
                    )
                ]
            ) from None
    if "\x00" in text:
        raise InvalidConfig(
            [
                Problem(
                    _at(shown, text, text.index("\x00")),
                    "has NUL characters (UTF-16 without a byte order mark?); save the file as "
                    "UTF-8",
                )
            ]
        )
    return text


def _at(shown: str, text: str, position: int) -> str:
    line = text.count("\n", 0, position) + 1
    return f"{shown}:{line}:{position - (text.rfind(chr(10), 0, position) + 1) + 1}"


def _first_line(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, shown: str) -> Problem:
    """``<file>:<line>:<column>: <what is wrong>, <while doing what> at line L, column C``, with
    lines and columns counted from 1 as editors do."""
    mark = error.problem_mark or error.context_mark
    what = error.problem or error.context or "is not valid YAML"
    if mark is None:
        return Problem(shown, f"is not valid YAML: {what}")
    where = f"{shown}:{mark.line + 1}:{mark.column + 1}"
    if "maximum nesting depth" in what:  # libyaml's own cap, at 1,000 levels
        return Problem(where, f"is nested more than {MAX_DEPTH} levels deep")
    if text[mark.index : mark.index + 1] == "\t":
        what += " (a tab: YAML indents with spaces only)"
    context = error.context_mark
    moved = context is not None and (context.line, context.column) != (mark.line, mark.column)
    if error.context and context is not None and error.problem_mark is not None and moved:
        what += f", {error.context} at line {context.line + 1}, column {context.column + 1}"
    return Problem(where, f"is not valid YAML: {what}")


# ---------------------------------------------------------------- from nodes to values


def display_path(parts: tuple[str | int, ...]) -> str:
    """The config field path of a place in the file: ``config.elastic-access:roles.r.spaces[0]``
    reads ``roles.r.spaces[0]``, as in every other message."""
    if len(parts) >= 2 and parts[0] == "config":
        namespace, colon, key = str(parts[1]).partition(":")
        if not colon or namespace == NAMESPACE:
            return field_path((key or namespace, *parts[2:]))
        return field_path((str(parts[1]), *parts[2:]))
    return field_path(parts)


class _Built(Exception):
    """Stops the walk at a problem that leaves nothing to build (a cycle, too deep)."""


class _Builder:
    """Turns the composed nodes into plain data in one pass without recursion, refusing what
    the module docstring lists. Aliases give the same object, and the size of the data once
    they are expanded is counted, so that nothing after this can be made to work without
    end. Scalars are read where they stand (as a key or a value); collections are built after
    their children."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Problem] = []
        # Each collection's parent and place in it: the field path, for messages only.
        self.parent: dict[int, tuple[int, str | int] | None] = {}
        self.level: dict[int, int] = {}  # how many keys and indexes above a collection
        self.values: dict[int, Any] = {}
        self.size: dict[int, int] = {}  # values in a collection once aliases are expanded
        self.depth: dict[int, int] = {}  # levels in a collection once aliases are expanded
        self.open: set[int] = set()  # collections being built: an alias to one is a cycle

    def path(self, node_id: int) -> tuple[str | int, ...]:
        parts: list[str | int] = []
        link = self.parent.get(node_id)
        while link is not None:
            node_id, place = link
            parts.append(place)
            link = self.parent.get(node_id)
        return tuple(reversed(parts))

    def refuse(
        self, node: Node, message: str, within: Node | None = None, place: Any = None
    ) -> None:
        """A problem at ``node``, named by its field path: that of the collection ``within``
        holding it, at ``place``."""
        mark = node.start_mark
        parts = self.path(id(within or node))
        parts = (*parts, place) if place is not None else parts
        where = display_path(parts[:12]) + ("..." if len(parts) > 12 else "")
        self.problems.append(
            Problem(
                f"{self.shown}:{mark.line + 1}:{mark.column + 1}",
                f"{where}: {message}" if where else message,
            )
        )

    def build(self, root: Node) -> Any:
        if isinstance(root, ScalarNode):
            return self._scalar(root, None, None)
        self.parent[id(root)] = None
        self.level[id(root)] = 0
        try:
            self._walk(root)
        except _Built:
            raise InvalidConfig(self.problems) from None
        if self.size[id(root)] > MAX_VALUES:
            self.refuse(root, f"expands through aliases to more than {MAX_VALUES:,} values")
        elif self.depth[id(root)] - 3 > MAX_DEPTH:
            self.refuse(root, f"is nested more than {MAX_DEPTH} levels deep through aliases")
        if self.problems:
            raise InvalidConfig(self.problems)
        return self.values[id(root)]

    def _walk(self, root: Node) -> None:
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            key = id(node)
            if done:
                self.open.discard(key)
                self.values[key] = self._collection(node)
                continue
            if key in self.values:
                continue
            if key in self.open:
                self.refuse(node, "an alias refers to a node that contains it; YAML data "
                            "cannot contain itself")  # fmt: skip
                raise _Built
            level = self.level[key]
            if level - 2 > MAX_DEPTH:
                self.refuse(node, f"is nested more than {MAX_DEPTH} levels deep")
                raise _Built
            self.open.add(key)
            stack.append((node, True))
            pairs = node.value if isinstance(node, MappingNode) else enumerate(node.value)
            for place, child in pairs:
                if isinstance(child, ScalarNode):
                    continue
                child_key = id(child)
                if child_key not in self.level:
                    if isinstance(node, MappingNode):
                        place = place.value if isinstance(place, ScalarNode) else "?"
                    self.level[child_key] = level + 1
                    self.parent[child_key] = (key, place)
                if child_key not in self.values:
                    stack.append((child, False))

    def _collection(self, node: Node) -> Any:
        """A sequence or mapping whose child collections are built; its size and depth."""
        if node.tag not in (SEQ, MAP, "!"):
            self.refuse(node, f"the tag {node.tag} is not supported in a stack file")
        size, depth = 1, 1
        if isinstance(node, SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                items.append(self._child(item, node, i))
                size += self.size.get(id(item), 1)
                depth = max(depth, 1 + self.depth.get(id(item), 1))
            result: Any = items
        else:
            assert isinstance(node, MappingNode)
            result = self._mapping(node)
            for _, value_node in node.value:
                size += 1 + self.size.get(id(value_node), 1)
                depth = max(depth, 1 + self.depth.get(id(value_node), 1))
        self.size[id(node)] = min(size, MAX_VALUES + 1)
        self.depth[id(node)] = depth
        return result

    def _child(self, node: Node, within: Node, place: Any) -> Any:
        if isinstance(node, ScalarNode):
            return self._scalar(node, within, place)
        return self.values[id(node)]

    def _scalar(self, node: ScalarNode, within: Node | None, place: Any) -> Any:
        text = node.value
        if node.tag in (STR, "!", MERGE):
            return text
        if node.tag == NULL:
            return None
        if node.tag == BOOL:
            return text.lower() == "true"
        if node.tag in (INT, FLOAT):
            problem = _number_problem(node)
            if problem:
                self.refuse(node, problem, within, place)
                return None
            return int(text) if node.tag == INT else YamlFloat(text)
        if node.tag == TIMESTAMP:
            if _DATE.match(text) and not _calendar_date(text):
                return text  # Go does not read 2024-02-30 as a date: the CLI keeps the text
            self.refuse(node, _date_problem(text), within, place)
            return None
        if node.tag == f"{_TAG}binary":
            self.refuse(
                node,
                "a !!binary value, which Pulumi passes on decoded; write the text itself, quoted",
                within,
                place,
            )
            return None
        self.refuse(node, f"the tag {node.tag} is not supported in a stack file", within, place)
        return None

    def _mapping(self, node: MappingNode) -> dict[str, Any]:
        explicit: dict[str, Any] = {}
        lines: dict[str, int] = {}
        merged: list[dict[str, Any]] = []
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                merged += self._merge_sources(value_node, node)
                continue
            key = self._key(key_node, node)
            if key is None:
                continue
            line = key_node.start_mark.line + 1
            if key in lines:
                self.refuse(
                    key_node,
                    f"{shorten(key)} is given twice in one mapping, at lines {lines[key]} and "
                    f"{line}; Pulumi refuses duplicate keys too: keep one",
                    node,
                )
                continue
            lines[key] = line
            explicit[key] = self._child(value_node, node, key)
        result: dict[str, Any] = {}
        for source in reversed(merged):  # the first merged mapping wins over later ones
            result.update(source)
        result.update(explicit)
        return result

    def _key(self, node: Node, mapping: MappingNode) -> str | None:
        if not isinstance(node, ScalarNode):
            self.refuse(node, "a key must be text, not a list or mapping", mapping)
            return None
        if node.tag in (STR, "!"):
            return str(node.value)
        text = shorten(node.value)
        kind = _KINDS.get(node.tag, "a date" if node.tag == TIMESTAMP else node.tag)
        self.refuse(
            node,
            f"the key {text or '(empty)'} is {kind} to YAML, but names are text: quote it: "
            f'"{text}":',
            mapping,
        )
        return None

    def _merge_sources(self, node: Node, mapping: MappingNode) -> list[dict[str, Any]]:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        if not all(isinstance(s, MappingNode) for s in sources):
            self.refuse(
                node,
                "<< merges a mapping or a list of mappings (aliases such as *base)",
                mapping,
                "<<",
            )
            return []
        return [self.values[id(source)] for source in sources]
