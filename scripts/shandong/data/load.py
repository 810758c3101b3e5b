"""Read YAML data files into plain Python values, keeping the position of every node.

Nothing here knows about the site. Problems with the file itself (encoding, tabs,
syntax, duplicate keys, anchors and aliases, emptiness) are returned as ``Problem``
records, never raised, so that a run can report every problem of every file at once.
"""
from __future__ import annotations

import unicodedata
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
    severity: str = "error"  # or "warning": printed, but the data still passes
    path: Path_ | None = field(default=None, compare=False, repr=False)  # the node's path, when known (check names the record)

    def __str__(self) -> str:
        level = "warning: " if self.severity == "warning" else ""
        return shown(f"{self.file}:{self.line}:{self.col}: {self.where}: {level}{self.message}")


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
    problem = _Reporter(shown_as)
    text, problems = _read_text(path, problem)
    if text is None:
        return None, problems
    if problems := _tab_problems(text, problem):
        return None, problems
    try:
        events = list(yaml.parse(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        return None, [_syntax_problem(text, exc, problem)]
    if problems := _depth_problems(events, problem) or _reuse_problems(events, problem):
        return None, problems
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:  # e.g. a second document after ---
        return None, [_syntax_problem(text, exc, problem)]
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL and node.value == ""):
        return None, [problem(1, 1, "file is empty (expected the records of this file, see its schema)")]
    builder = _Builder(Document(shown_as, None), text, problem)
    try:
        builder.doc.data = builder.build(node, ())
    except yaml.constructor.ConstructorError as exc:  # e.g. an unknown !tag
        mark = exc.problem_mark
        return None, [problem(mark.line + 1, mark.column + 1, f"{exc.problem} (expected plain YAML values)")]
    return builder.doc, builder.problems


class _Reporter:
    """Makes the problems of one file."""

    def __init__(self, shown_as: str):
        self.file = shown_as

    def __call__(self, line: int, col: int, message: str, where: str = "file", path: Path_ | None = None) -> Problem:
        return Problem(self.file, line, col, where, message, path=path)


def _read_text(path: Path, problem: _Reporter) -> tuple[str | None, list[Problem]]:
    """The file's text (UTF-8, without a byte order mark), or why it cannot be read."""
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
    return text.removeprefix("\ufeff"), []


def _tab_problems(text: str, problem: _Reporter) -> list[Problem]:
    """One problem per line with a tab character."""
    problems, seen_lines = [], set()
    for i, ch in enumerate(text):
        if ch == "\t":
            line, col = _line_col(text, i)
            if line not in seen_lines:
                seen_lines.add(line)
                problems.append(problem(line, col, "tab character (expected spaces: YAML is indented with spaces)"))
    return problems


def _syntax_problem(text: str, exc: yaml.YAMLError, problem: _Reporter) -> Problem:
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


def _depth_problems(events: list, problem: _Reporter) -> list[Problem]:
    """libyaml allows 1000 levels, more than Python's recursion can build."""
    depth = 0
    for ev in events:
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return [problem(*_mark(ev), f"values nested more than {MAX_DEPTH} levels deep (expected the shallow records of the schema)")]
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return []


def _reuse_problems(events: list, problem: _Reporter) -> list[Problem]:
    """Anchors and aliases: one problem for the file, at the first of them."""
    uses = [(ev, f"YAML alias *{ev.anchor}") if isinstance(ev, yaml.AliasEvent) else (ev, f"YAML anchor &{ev.anchor}")
            for ev in events if isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None)]
    if not uses:
        return []
    first, what = uses[0]
    more = len(uses) - 1
    if more:
        what += f", and {more} more anchor{'s' if more != 1 else ''} or alias{'es' if more != 1 else ''} in this file"
    return [problem(*_mark(first), f"{what} (expected every value written out; anchors and aliases are not allowed)")]


# Characters that print nothing: controls (but a line break), invisible format characters such as
# zero-width spaces and direction overrides, line and paragraph separators, surrogates, private use,
# unassigned code points.
_NONPRINTING = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def nonprinting(text: str) -> list[int]:
    """Indices of the characters of ``text`` that print nothing (a line break is fine)."""
    return [i for i, ch in enumerate(text) if ch != "\n" and unicodedata.category(ch) in _NONPRINTING]


_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def shown(text: str) -> str:
    """``text`` as a message may show it: each character that prints nothing (see ``nonprinting``; here
    line breaks too) written as an escape: ``\\x1b`` for a control character (``\\t``, ``\\n``, ``\\r``),
    ``<U+200B>`` for any other. So a message quoting the data never clears or recolours the editor's
    terminal, hides or reorders its own words, or breaks a GitHub annotation. Every message goes
    through it: ``Problem.__str__`` and ``check.annotations``."""
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category not in _NONPRINTING:
            out.append(ch)
        elif category == "Cc":
            out.append(_SHORT_ESCAPES.get(ch) or f"\\x{ord(ch):02x}")
        else:
            out.append(f"<U+{ord(ch):04X}>")
    return "".join(out)


def _char_name(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.lower() if name else {"Cc": "a control character", "Co": "a private-use character"}.get(
        unicodedata.category(ch), "an unassigned or invalid character")


class _Builder:
    """Plain Python values from composed nodes, with the position of every node and key."""

    def __init__(self, doc: Document, text: str, problem: _Reporter):
        self.doc, self.text, self.problem = doc, text, problem
        self.constructor = yaml.constructor.SafeConstructor()
        self.problems: list[Problem] = []

    def build(self, n, p: Path_) -> Any:
        self.doc.pos[p] = _mark(n)
        if isinstance(n, (yaml.MappingNode, yaml.SequenceNode)) and n.tag not in _COLLECTION_TAGS:  # e.g. !foo [a]
            raise yaml.constructor.ConstructorError(None, None, f"could not determine a constructor for the tag '{_short_tag(n.tag)}'", n.start_mark)
        if isinstance(n, yaml.MappingNode):
            return self.mapping(n, p)
        if isinstance(n, yaml.SequenceNode):
            return [self.build(v, p + (i,)) for i, v in enumerate(n.value)]
        return self.scalar(n, p)

    def mapping(self, n, p: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first: dict[str, tuple[int, int]] = {}
        for knode, vnode in n.value:
            if not isinstance(knode, yaml.ScalarNode):
                self.problems.append(self.problem(*_mark(knode), "a key must be a plain word (expected a field name)", where=_path_text(p), path=p))
                continue
            key = knode.value
            self.check_printable(knode, key, p)
            if key in first:
                self.problems.append(self.problem(*_mark(knode), f"duplicate key '{key}', first at line {first[key][0]} (expected each field once)", where=_path_text(p), path=p))
                continue
            first[key] = _mark(knode)
            self.doc.key_pos[p + (key,)] = _mark(knode)
            out[key] = self.build(vnode, p + (key,))
        return out

    def scalar(self, n, p: Path_) -> Any:
        if n.tag == _TIMESTAMP:
            return n.value  # dates stay text, as written: 2020-12-31
        try:
            value = self.constructor.construct_object(n)
        except (ValueError, KeyError, TypeError, OverflowError):  # e.g. !!int abc
            raise yaml.constructor.ConstructorError(None, None, f"'{n.value}' cannot be read as {_short_tag(n.tag)}", n.start_mark) from None
        if not isinstance(value, (str, int, float, bool, type(None))):  # e.g. !!binary
            raise yaml.constructor.ConstructorError(None, None, f"a value tagged {_short_tag(n.tag)} is not plain text, a number or true/false", n.start_mark)
        if isinstance(value, str):
            self.check_printable(n, value, p)
        return value

    def check_printable(self, n, value: str, p: Path_) -> None:
        """A character that prints nothing, however written (raw, or an escape such as \\e or \\x07)."""
        bad = nonprinting(value)
        if not bad:
            return
        ch = value[bad[0]]
        more = f", and {len(bad) - 1} more in this text" if len(bad) > 1 else ""
        line, col = self.position_of(n, bad[0])
        self.problems.append(self.problem(
            line, col, f"character U+{ord(ch):04X} ({_char_name(ch)}) is not allowed{more}"
                       " (expected printable text: no control or invisible characters, however written)", where=_path_text(p), path=p))

    def position_of(self, n, index: int) -> tuple[int, int]:
        """Line and column of the ``index``-th character of a scalar's value in the file."""
        src = self.text[n.start_mark.index:n.end_mark.index]
        if n.style == '"' and "\n" not in src:  # one line of double-quoted text: walk its escapes
            i, k = 1, 0
            while i < len(src) - 1:
                if k == index:
                    return n.start_mark.line + 1, n.start_mark.column + 1 + i
                i += {"x": 4, "u": 6, "U": 10}.get(src[i + 1], 2) if src[i] == "\\" else 1
                k += 1
        ch = n.value[index]
        nth = n.value[:index].count(ch)
        at = -1
        for _ in range(nth + 1):
            at = src.find(ch, at + 1)
            if at < 0:
                return _mark(n)
        return _line_col(self.text, n.start_mark.index + at)


def _path_text(p: Path_) -> str:
    out = ""
    for part in p:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "file"
