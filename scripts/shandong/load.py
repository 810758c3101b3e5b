"""Read YAML data files into plain Python values, keeping the position of every node.

Nothing here knows about the site. Problems with the file itself (encoding, tabs,
syntax, duplicate keys, anchors and aliases, emptiness) are returned as ``Problem``
records, never raised, so that a run can report every problem of every file at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml keeps positions too and is an order of magnitude faster
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_BYTES = 5_000_000
MAX_DEPTH = 50
Path_ = tuple  # a path into a document: keys and list indices


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.where}: {self.message}"


@dataclass
class Document:
    """A loaded YAML file: its value and the 1-based (line, col) of each node and key."""

    file: str  # as shown in messages, e.g. data/plan/tasks.yaml
    data: Any
    pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_) -> tuple[int, int]:
        """Position of the node at ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path not in self.pos and path:
            path = path[:-1]
        return self.pos.get(path, (1, 1))

    def key_where(self, path: Path_) -> tuple[int, int]:
        path = tuple(path)
        return self.key_pos.get(path) or self.where(path)


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_NULL = "tag:yaml.org,2002:null"
_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def load_yaml(path: Path, shown_as: str) -> tuple[Document | None, list[Problem]]:
    """Load one file. Returns the document (None when unusable) and its problems."""

    def problem(line: int, col: int, message: str, where: str = "file") -> Problem:
        return Problem(shown_as, line, col, where, message)

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [problem(1, 1, "file is missing (expected it to exist)")]
    if len(raw) > MAX_BYTES:
        return None, [problem(1, 1, f"file is {len(raw):,} bytes (expected at most {MAX_BYTES:,})")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start]
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [problem(line, col, f"byte 0x{bad:02x} is not UTF-8 (expected the file saved as UTF-8)")]
    text = text.removeprefix("\ufeff")

    tabs = [i for i, ch in enumerate(text) if ch == "\t"]
    if tabs:
        problems, seen_lines = [], set()
        for i in tabs:
            line, col = _line_col(text, i)
            if line not in seen_lines:
                seen_lines.add(line)
                problems.append(problem(line, col, "tab character (expected spaces: YAML is indented with spaces)"))
        return None, problems

    def syntax_problem(exc: yaml.YAMLError) -> Problem:
        if isinstance(exc, yaml.reader.ReaderError):  # a control character: no mark, only the character
            code = exc.character if isinstance(exc.character, int) else ord(exc.character)
            at = text.find(chr(code))
            line, col = _line_col(text, at) if at >= 0 else (1, 1)
            return problem(line, col, f"character U+{code:04X} is not allowed (expected printable text: YAML forbids control characters)")
        if isinstance(exc, yaml.composer.ComposerError) and exc.context == "expected a single document in the stream":
            mark = exc.problem_mark
            return problem(mark.line + 1, mark.column + 1, "a second YAML document starts here (expected one document per file)")
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = getattr(exc, "problem", None) or "invalid YAML"
        if getattr(exc, "context", None):
            what = f"{exc.context}, {what}"
        return problem(line, col, f"YAML syntax error: {what} (expected valid YAML: check the indentation, colons and quotes on this line and the line above)")

    try:
        events = list(yaml.parse(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        return None, [syntax_problem(exc)]
    depth = 0
    for ev in events:  # libyaml allows 1000 levels, more than Python's recursion can build
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return None, [problem(*_mark(ev), f"values nested more than {MAX_DEPTH} levels deep (expected the shallow records of the schema)")]
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    reuse = []
    for ev in events:
        if isinstance(ev, yaml.AliasEvent):
            reuse.append(problem(*_mark(ev), f"YAML alias *{ev.anchor} (expected every value written out; anchors and aliases are not allowed)"))
        elif getattr(ev, "anchor", None):
            reuse.append(problem(*_mark(ev), f"YAML anchor &{ev.anchor} (expected every value written out; anchors and aliases are not allowed)"))
    if reuse:
        return None, reuse

    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:  # e.g. a second document after ---
        return None, [syntax_problem(exc)]
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL and node.value == ""):
        return None, [problem(1, 1, "file is empty (expected the records of this file, see its schema)")]

    doc = Document(shown_as, None)
    constructor = yaml.constructor.SafeConstructor()
    problems: list[Problem] = []

    def build(n, p: Path_) -> Any:
        doc.pos[p] = _mark(n)
        if isinstance(n, (yaml.MappingNode, yaml.SequenceNode)) and n.tag not in _COLLECTION_TAGS:  # e.g. !foo [a]
            raise yaml.constructor.ConstructorError(None, None, f"could not determine a constructor for the tag '{_short_tag(n.tag)}'", n.start_mark)
        if isinstance(n, yaml.MappingNode):
            out: dict[str, Any] = {}
            first: dict[str, tuple[int, int]] = {}
            for knode, vnode in n.value:
                if not isinstance(knode, yaml.ScalarNode):
                    problems.append(problem(*_mark(knode), "a key must be a plain word (expected a field name)", where=_path_text(p)))
                    continue
                key = knode.value
                if key in first:
                    problems.append(problem(*_mark(knode), f"duplicate key '{key}', first at line {first[key][0]} (expected each field once)", where=_path_text(p)))
                    continue
                first[key] = _mark(knode)
                doc.key_pos[p + (key,)] = _mark(knode)
                out[key] = build(vnode, p + (key,))
            return out
        if isinstance(n, yaml.SequenceNode):
            return [build(v, p + (i,)) for i, v in enumerate(n.value)]
        if n.tag == _TIMESTAMP:
            return n.value  # dates stay text, as written: 2020-12-31
        try:
            value = constructor.construct_object(n)
        except (ValueError, KeyError, TypeError, OverflowError):  # e.g. !!int abc
            raise yaml.constructor.ConstructorError(None, None, f"'{n.value}' cannot be read as {_short_tag(n.tag)}", n.start_mark) from None
        if not isinstance(value, (str, int, float, bool, type(None))):  # e.g. !!binary
            raise yaml.constructor.ConstructorError(None, None, f"a value tagged {_short_tag(n.tag)} is not plain text, a number or true/false", n.start_mark)
        return value

    try:
        doc.data = build(node, ())
    except yaml.constructor.ConstructorError as exc:  # e.g. an unknown !tag
        mark = exc.problem_mark
        return None, [problem(mark.line + 1, mark.column + 1, f"{exc.problem} (expected plain YAML values)")]
    return doc, problems


def _path_text(p: Path_) -> str:
    out = ""
    for part in p:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "file"
