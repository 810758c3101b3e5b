"""The jieba user dictionary for Chinese search, generated from the data.

Material's search segments page text with jieba at build time; the browser matches
query words against those segments by prefix. Without this dictionary jieba splits
agency names (省工业和信息化厅 → 省 / 工业 / 和 / 信息化 / 厅) and a search for the
name finds nothing.
"""
from __future__ import annotations

import re

from .model import Model

QUOTED = re.compile(r"[“「《]([^”」》]{2,20})[”」》]")
FREQ = 200000  # high enough to keep each entry whole against jieba's own dictionary


def words(model: Model) -> list[str]:
    out: set[str] = set()
    for a in model.agencies.values():
        out |= {a.name, a.short, *a.aliases}
    for c in model.compound_names:
        out.add(c["text"])
    for t in model.themes.values():
        out.add(t.name)
    texts = [i.text for i in model.items] + [model.preamble]
    for text in texts:
        out |= set(QUOTED.findall(text))
    return sorted(w for w in out if w and not re.search(r"\s", w))


def dictionary(model: Model) -> str:
    return "".join(f"{w} {FREQ}\n" for w in words(model))
