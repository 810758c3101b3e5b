"""How problems name their place and their values: ``task 4 › units[2]``, quoted values, "did you mean"."""
from __future__ import annotations

import difflib
from typing import Any

from ..load import Document, Problem

# How a record of each top-level list is named in messages.
RECORD_LABEL = {
    "agencies": ("agency", "id"),
    "compound_names": ("compound name", "text"),
    "themes": ("theme", "id"),
    "tasks": ("task", "number"),
    "sections": ("section", "number"),
    "measures": ("measure", "id"),
    "reports": ("report of", "item"),
    "sources": ("source", "id"),
}



def where(data: Any, path: tuple) -> str:
    """``task 4 › units[2]`` for ('tasks', 3, 'units', 2)."""
    if len(path) >= 2 and path[0] in RECORD_LABEL and isinstance(path[1], int):
        label, key = RECORD_LABEL[path[0]]
        try:
            rec = data[path[0]][path[1]]
            name = rec.get(key) if isinstance(rec, dict) else None
        except (KeyError, IndexError, TypeError):
            name = None
        head = f"{label} {name}" if isinstance(name, (str, int)) and not isinstance(name, bool) else f"{path[0]}[{path[1]}]"
        rest = path[2:]
    else:
        head, rest = "", path
    tail = ""
    for part in rest:
        tail += f"[{part}]" if isinstance(part, int) else (f".{part}" if tail else str(part))
    if head and tail:
        return f"{head} › {tail}"
    return head or tail or "file"


def did_you_mean(value: Any, choices: dict[str, str], shown: dict[str, str] | None = None, cutoff: float = 0.6) -> str:
    """Suggest close matches. ``choices`` maps every spelling to the id to suggest."""
    if not isinstance(value, str):
        return ""
    if value in choices:
        hits = [choices[value]]
    else:
        hits = []
        for m in difflib.get_close_matches(value, list(choices), n=5, cutoff=cutoff):
            if choices[m] not in hits:
                hits.append(choices[m])
        hits = hits[:3]
    if not hits:
        return ""
    shown = shown or {}
    out = " or ".join(f"'{h}'" + (f" ({shown[h]})" if h in shown else "") for h in hits)
    return f"; did you mean {out}?"



def _p(doc: Document, path: tuple, message: str, key: bool = False) -> Problem:
    line, col = doc.key_where(path) if key else doc.where(path)
    return Problem(doc.file, line, col, where(doc.data, path), message, path=tuple(path))


def _show(x: Any) -> str:
    if isinstance(x, str):
        return f"'{x}'" if len(x) <= 60 else f"'{x[:57]}…'"
    if isinstance(x, (dict, list)):
        return "a mapping" if isinstance(x, dict) else "a list"
    return repr(x) if x is not None else "an empty value"


def _kind(x: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "a mapping", type(None): "empty"}.get(type(x), type(x).__name__)


def _type_words(t: Any) -> str:
    words = {"string": "text", "integer": "a whole number", "number": "a number", "array": "a list",
             "object": "a mapping of fields", "boolean": "true or false"}
    return " or ".join(words.get(x, x) for x in (t if isinstance(t, list) else [t]))


