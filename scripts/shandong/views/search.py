"""Chinese search: the search keys of pages and the traditional → simplified table, from the data.

The site's search (docs/assets/search/worker.js, started in place of Material's lunr worker by
overrides/partials/search.html) matches the query against the text of the pages themselves, after
normalising both (NFKC, lower case, traditional → simplified, no spaces): so a page is found by
any part of its text, and no word segmentation is needed (jieba is not installed, so Material's
search plugin leaves the index text as it is). What the text does not hold comes from here:

- search keys of an agency's page (Material's ``tags`` field of the search index; the worker uses
  them and never sends them back, so readers never see them): its names, the short forms readers
  make of them (大数据局, 科技厅, 网信办) and the registry's editorial ``search_aliases`` (工信厅, 发改委).
  A query equal to a key puts that page first;
- ``variants``: OpenCC's traditional → simplified table, for the characters the site uses
  (``assets/search/variants.json``), so that 電子病歷 finds 电子病历.
"""
from __future__ import annotations

from ..data.model import Agency, Item, Model


def spellings(a: Agency) -> list[str]:
    return list(dict.fromkeys([a.name, a.short, *a.aliases]))


# What readers leave off the front of a provincial unit's name: 山东省大数据局 → 大数据局,
# 省委网信办 → 网信办 (longest first).
PREFIXES = ("中共山东省委", "山东省", "省委", "省")
SHORTENED_KINDS = ("provincial-department", "party-committee-office")


def shortened(name: str) -> str | None:
    """The name without the province's prefix, if at least two characters are left."""
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):] if len(name) - len(prefix) >= 2 else None
    return None


def agency_keys(a: Agency) -> list[str]:
    """The search keys of an agency's page: every spelling, shortened forms, editorial abbreviations."""
    names = spellings(a)
    short = [s for s in map(shortened, names) if s] if a.kind in SHORTENED_KINDS else []
    return list(dict.fromkeys([*names, *short, *a.search_aliases]))


def item_keys(item: Item) -> list[str]:
    """Task and measure pages need no keys: the search matches any part of their text."""
    return []


def site_text(model: Model) -> str:
    """Every string of the data that pages show (for the characters of the variants table)."""
    parts = [model.preamble]
    for a in model.agencies.values():
        parts += [*spellings(a), *a.search_aliases]
    for t in model.themes.values():
        parts += [t.name, t.description]
    for i in model.items:
        parts += [i.text, i.units_as_written, i.deadline_as_written or "", i.title]
        parts += [t.text for t in i.targets]
    for sec in model.sections:
        parts += [sec.heading, *(sub.heading for sub in sec.subsections)]
    return "".join(parts)


def variants(model: Model, extra: str = "") -> dict[str, str]:
    """Traditional character → simplified (OpenCC t2s, one character at a time), for the
    simplified characters the site's text uses; plus the site's own traditional characters
    (省政府各部門), which the worker normalises like a reader's."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    used = set(site_text(model) + extra)
    out = {}
    for code in range(0x3400, 0xA000):
        c = chr(code)
        s = t2s.convert(c)
        if s != c and len(s) == 1 and (s in used or c in used):
            out[c] = s
    return out


def variants_json(model: Model, folders: list) -> str:
    """``variants`` as JSON, for the characters of the data and of the pages' sources in folders."""
    import json
    from pathlib import Path

    extra = "".join(p.read_text(encoding="utf-8") for f in folders for p in sorted(Path(f).rglob("*"))
                    if p.suffix in (".md", ".j2"))
    return json.dumps(variants(model, extra), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
