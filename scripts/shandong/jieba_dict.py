"""Chinese search: the jieba user dictionary and the search keys of pages, from the data.

How Material (9.8) searches Chinese: at build time jieba cuts each page's text into
words; in the browser the query is cut greedily into the longest words of the
index's own vocabulary, never taking a word that reaches the query's last
character, and each piece is matched as a word prefix (``search`` in Material's
search worker). Two consequences, both measured in tests/test_search.py:

- jieba's own dictionary splits agency names (省工业和信息化厅 → 省 / 工业 / 和 /
  信息化 / 厅); the user dictionary keeps every name and quoted key term whole, so
  that a page holds the name as one word;
- a query equal to a whole word can only match it through a prefix that is itself
  a word of the index: 省民政厅 is cut into 省 + 民政 if 民政 is a word somewhere,
  else into just 省, which matches every agency. So each page carries, as search
  keys (Material's ``tags`` field, indexed but not shown), the whole words minus
  their last character (省民政, 山东省民政), which the query then uses as its piece.
"""
from __future__ import annotations

import re
from functools import cache

from .model import Agency, Item, Model

QUOTED = re.compile(r"“([^”]{2,8})”")  # short quoted key terms: “一次办好”, “爱山东”
HAN = re.compile(r"[\u4e00-\u9fff]+")
FREQ = 200000  # high enough to keep each entry whole against jieba's own dictionary


def terms(model: Model) -> list[str]:
    """The names and key terms of the data: agency spellings, theme names, quoted terms."""
    out: set[str] = set()
    for a in model.agencies.values():
        out |= set(spellings(a))
    for c in model.compound_names:
        out.add(c["text"])
    for t in model.themes.values():
        out.add(t.name)
    for text in [i.text for i in model.items] + [model.preamble]:
        out |= set(QUOTED.findall(text))
    return sorted(w for w in out if w and not re.search(r"\s", w))


def spellings(a: Agency) -> list[str]:
    return list(dict.fromkeys([a.name, a.short, *a.aliases]))


def keys(words: list[str]) -> list[str]:
    """Search keys for a page holding these whole words: each word minus its last character."""
    return list(dict.fromkeys(w[:-1] for w in words if len(w) >= 3))


def agency_keys(a: Agency) -> list[str]:
    return keys(spellings(a))


def item_keys(item: Item) -> list[str]:
    """Prefix keys of the item's words (so a query of the word can use them), and the
    words inside its whole key terms (which jieba would otherwise never cut out)."""
    whole = QUOTED.findall(item.text)
    words = [w for w in _stock().lcut(item.text, HMM=False) if HAN.fullmatch(w) and len(w) >= 2]
    inner = [w for term in whole for w in _stock().lcut(term, HMM=False) if HAN.fullmatch(w) and len(w) >= 2 and w != term]
    return list(dict.fromkeys(keys(whole + words) + inner))


@cache
def _stock():
    """jieba with its own dictionary only: the words a reader would type.

    Loading jieba's dictionary costs ~0.5 s; Material's search loads it too, into jieba's
    default tokenizer, and then adds our user dictionary to it. So while the default tokenizer
    is not loaded yet (the hook calls this in on_config, before the search plugin's), load it
    once and give this tokenizer a copy of its words, taken before any user word is added."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    if not jieba.dt.initialized:
        jieba.dt.initialize()
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(jieba.dt.FREQ), jieba.dt.total, True
    else:  # the default tokenizer may hold user words already: load the dictionary afresh
        tokenizer.initialize()
    return tokenizer


def prepare() -> None:
    """Load the stock tokenizer now (see ``_stock``): call before anything adds words to jieba."""
    _stock()


def dictionary(model: Model) -> str:
    return "".join(f"{w} {FREQ}\n" for w in terms(model))
