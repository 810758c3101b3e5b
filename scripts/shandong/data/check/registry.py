"""What the data files may refer to (the registry of agencies, themes, tasks, items, sources), and how rules walk records."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...config import DATA
from ..load import Document
from ..model import task_key
from .messages import did_you_mean

ROLES = ("lead", "support", "responsible")


def records(doc: Document | None, key: str) -> Iterator[tuple[int, dict]]:
    if doc is None or not isinstance(doc.data, dict) or not isinstance(doc.data.get(key), list):
        return
    for i, rec in enumerate(doc.data[key]):
        if isinstance(rec, dict):
            yield i, rec


def strings(rec: dict, key: str) -> list[tuple[int, str]]:
    vals = rec.get(key)
    return [(i, v) for i, v in enumerate(vals) if isinstance(v, str)] if isinstance(vals, list) else []


class Registry:
    """What the other files may refer to: agencies with all their spellings, themes, tasks, items, sources;
    and the folder of the source documents (``data/sources/``) when there is one."""

    def __init__(self, docs: dict[str, Document | None], data_dir: Path | None = None):
        # A data folder without sources/ (an excerpt in tests) is not compared with the documents;
        # data/ itself always is, so that removing the documents does not turn the comparison off.
        sources_dir = Path(data_dir) / "sources" if data_dir is not None else None
        is_data = data_dir is not None and Path(data_dir).resolve() == DATA.resolve()
        self.sources_dir = sources_dir if sources_dir is not None and (sources_dir.is_dir() or is_data) else None
        self.agencies: dict[str, dict] = {}
        self.spelling: dict[str, str] = {}  # any id, name, short or alias -> id
        for _, rec in records(docs["agencies"], "agencies"):
            aid = rec.get("id")
            if isinstance(aid, str) and aid not in self.agencies:
                self.agencies[aid] = rec
                for s in [aid, rec.get("name"), rec.get("short"), *(a for _, a in strings(rec, "aliases"))]:
                    if isinstance(s, str):
                        self.spelling.setdefault(s, aid)
        self.compounds: dict[str, list[str]] = {}
        for _, rec in records(docs["agencies"], "compound_names"):
            if isinstance(rec.get("text"), str) and isinstance(rec.get("units"), list):
                self.compounds.setdefault(rec["text"], [u for u in rec["units"] if isinstance(u, str)])
        self.themes = {rec["id"]: rec for _, rec in records(docs["themes"], "themes") if isinstance(rec.get("id"), str)}
        self.tasks = {rec["number"]: rec for _, rec in records(docs["tasks"], "tasks") if _is_int(rec.get("number"))}
        # Items as progress reports name them (Item.key): key -> (kind of file, record)
        self.items: dict[str, tuple[str, dict]] = {task_key(n): ("tasks", rec) for n, rec in self.tasks.items()}
        for _, rec in records(docs["measures"], "measures"):
            if isinstance(rec.get("id"), str):
                self.items.setdefault(rec["id"], ("measures", rec))
        self.sources = {rec["id"]: rec for _, rec in records(docs["sources"], "sources") if isinstance(rec.get("id"), str)}
        # A file counts as present when its main list (named as the file's kind) has a record;
        # otherwise its problems are reported once, not again at every reference to it.
        self.have = {k: any(True for _ in records(docs[k], k)) for k in docs}

    def short(self, aid: str) -> str:
        rec = self.agencies.get(aid, {})
        return rec.get("short") or rec.get("name") or aid

    def spellings_of(self, aid: str) -> set[str]:
        rec = self.agencies.get(aid, {})
        out = {s for s in [rec.get("name"), rec.get("short"), *(a for _, a in strings(rec, "aliases"))] if isinstance(s, str)}
        out |= {text for text, units in self.compounds.items() if aid in units}
        return out

    def unit_problem(self, value: str) -> str | None:
        if value in self.agencies:
            return None
        hint = did_you_mean(value, self.spelling, {a: self.short(a) for a in self.agencies})
        return f"unknown unit '{value}' (expected an agency id from data/agencies.yaml){hint}"




def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _mapping(x: Any) -> dict:
    return x if isinstance(x, dict) else {}


def records_in(rec: dict, key: str) -> Iterator[tuple[int, dict]]:
    vals = rec.get(key)
    if isinstance(vals, list):
        for j, v in enumerate(vals):
            if isinstance(v, dict):
                yield j, v

