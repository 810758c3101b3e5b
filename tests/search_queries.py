"""A broad set of reader queries for the site search, derived from the data (issue 12).

Every query comes with the pages a reader expects (site-relative URLs), computed here from the
data by plain string containment over the documents' texts and the agency registry: nothing in
this module uses the site's search code (scripts/shandong/jieba_dict.py, the search worker), so a
change there cannot move the goalposts. Kinds:

- agency-name, agency-short: an agency's full name, its short name and the spellings of the
  documents → its own page (expected FIRST);
- agency-abbrev: what readers shorten names to: the name without 山东省 / 中共山东省委, the short
  name without 省, and the registry's editorial ``search_aliases`` (工信厅, 发改委 …) → its page (FIRST);
- word: up to three words of each item, as plain jieba cuts its text (≥ 2 Han characters,
  in at most three items) → the items containing the word;
- phrase: two adjacent words of an item written together (数字校园) → the items containing it;
- mixed: ASCII with Chinese (5G基站, IPv6, APP, 互联网+医保) → the items containing it;
- number: numbers with their unit (4万个, 100项) → the items containing it;
- quoted: programme names in Chinese or ASCII quotes (“沃土行动”) → the items containing them;
- spaced: two words of one item separated by a space → the items containing both;
- typo: slips a reader makes: full-width ASCII, lower case, 和 left out of a name, a long phrase
  with a character left out → the page of the original;
- traditional: word, phrase and agency queries in traditional characters (OpenCC s2t) → the same pages.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

HAN = r"\u4e00-\u9fff"
WORD = re.compile(f"[{HAN}]{{2,}}")
QUOTED = re.compile(r"“([^”]{2,16})”")
NUMBER = re.compile(r"(?<![0-9.])\d+(?:\.\d+)?(?:[万亿]?[个项家所座台名条户人套张类%]|分钟)")
ASCII = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*[A-Za-z][A-Za-z0-9]*|[0-9]+[A-Za-z]+[A-Za-z0-9]*")
AGENCY_KINDS = ("agency-name", "agency-short", "agency-abbrev")


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    expected: frozenset[str]  # site-relative URLs; a hit is any of them


def _norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s).lower()


@cache
def _stock():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


@cache
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def agency_forms(a) -> dict[str, list[str]]:
    """The spellings of an agency by kind: as in the registry and as readers shorten them."""
    named = list(dict.fromkeys([a.short, *a.aliases]))
    shortened = []
    if a.kind in ("provincial-department", "party-committee-office"):
        for s in (a.name, a.short, *a.aliases):
            for prefix in ("中共山东省委", "山东省", "省委", "省"):
                if s.startswith(prefix) and len(s) - len(prefix) >= 2:
                    shortened.append(s[len(prefix):])
                    break
    editorial = list(getattr(a, "search_aliases", []) or [])
    return {"agency-name": [a.name], "agency-short": named, "agency-abbrev": list(dict.fromkeys(shortened + editorial))}


def build(model) -> list[Query]:
    items = model.items
    texts = {i.url: _norm(i.text) for i in items}

    def containing(*parts: str) -> frozenset[str]:
        return frozenset(u for u, t in texts.items() if all(_norm(p) in t for p in parts))

    out: list[Query] = []

    # Agencies. A spelling shared by two units (none today) would be ambiguous: left out.
    spellings: dict[str, set[str]] = {}
    for a in model.agencies.values():
        for forms in agency_forms(a).values():
            for f in forms:
                spellings.setdefault(f, set()).add(a.url)
    for a in model.agencies.values():
        for kind, forms in agency_forms(a).items():
            out += [Query(kind, f, frozenset({a.url})) for f in forms if spellings[f] == {a.url}]

    # Words and phrases of the items' texts.
    tok = _stock()
    words_of = {i.url: [w for w in tok.lcut(i.text, HMM=False)] for i in items}
    han_words = {u: [w for w in ws if WORD.fullmatch(w)] for u, ws in words_of.items()}
    freq = Counter(w for ws in han_words.values() for w in set(ws))
    phrase_freq: Counter = Counter()
    phrases_of = {}
    for u, ws in words_of.items():
        ps = [a + b for a, b in zip(ws, ws[1:], strict=False) if WORD.fullmatch(a) and WORD.fullmatch(b) and 4 <= len(a + b) <= 8]
        phrases_of[u] = list(dict.fromkeys(ps))
        phrase_freq.update(set(phrases_of[u]))
    for i in items:
        words = [w for w in dict.fromkeys(han_words[i.url]) if freq[w] <= 3]
        out += [Query("word", w, containing(w)) for w in words[:3]]
        phrases = [p for p in phrases_of[i.url] if phrase_freq[p] <= 3 and len(containing(p)) <= 3]
        out += [Query("phrase", p, containing(p)) for p in phrases[:2]]
        if len(words) >= 2:
            out.append(Query("spaced", f"{words[0]} {words[-1]}", containing(words[0], words[-1])))

    # Mixed ASCII and Chinese, numbers with units, quoted programme names.
    mixed: set[str] = set()
    for i in items:
        ws = words_of[i.url]
        for k, w in enumerate(ws):
            if ASCII.fullmatch(w):
                mixed.add(w)
                if k + 1 < len(ws) and WORD.fullmatch(ws[k + 1]):
                    mixed.add(w + ws[k + 1])
                if k > 0 and WORD.fullmatch(ws[k - 1]):
                    mixed.add(ws[k - 1] + w)
            if w == "+" and 0 < k < len(ws) - 1 and all(WORD.fullmatch(x) or ASCII.fullmatch(x) for x in (ws[k - 1], ws[k + 1])):
                mixed.add(ws[k - 1] + "+" + ws[k + 1])
    out += [Query("mixed", m, containing(m)) for m in sorted(mixed) if containing(m)]
    numbers = sorted({n for i in items for n in NUMBER.findall(i.text)})
    out += [Query("number", n, containing(n)) for n in numbers]
    quoted = sorted({q for i in items for q in QUOTED.findall(i.text)})
    for q in quoted:
        out += [Query("quoted", f"“{q}”", containing(q)), Query("quoted", f'"{q}"', containing(q))]

    # Slips: full-width and lower-case ASCII, 和 left out of a name, a long phrase missing a character.
    for m in sorted(mixed):
        wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in m)
        if wide != m:
            out.append(Query("typo", wide, containing(m)))
        if m.lower() != m:
            out.append(Query("typo", m.lower(), containing(m)))
    for a in model.agencies.values():
        if "和" in a.name:
            out.append(Query("typo", a.name.replace("和", "", 1), frozenset({a.url})))
    for q in [q for q in out if q.kind == "phrase" and len(q.text) >= 5]:
        mid = len(q.text) // 2
        out.append(Query("typo", q.text[:mid] + q.text[mid + 1:], q.expected))

    # Traditional characters.
    s2t = _s2t()
    for q in [q for q in out if q.kind in ("word", "phrase", "agency-name", "agency-abbrev")]:
        t = s2t.convert(q.text)
        if t != q.text:
            out.append(Query("traditional", t, q.expected))

    seen = set()
    unique = []
    for q in out:
        if q.expected and (q.kind, q.text) not in seen:
            seen.add((q.kind, q.text))
            unique.append(q)
    return unique


KINDS = ("agency-name", "agency-short", "agency-abbrev", "word", "phrase", "mixed", "number", "quoted", "spaced",
         "typo", "traditional")


@dataclass
class Score:
    kind: str
    n: int = 0
    hits: int = 0  # an expected page in the first 10
    firsts: int = 0  # an expected page first
    rr: float = 0.0
    zero: int = 0

    def add(self, ranks: list[str], expected: frozenset[str]) -> None:
        self.n += 1
        self.zero += not ranks
        rank = next((k for k, u in enumerate(ranks) if u in expected), None)
        if rank is not None:
            self.rr += 1 / (rank + 1)
            self.hits += rank < 10
            self.firsts += rank == 0

    @property
    def recall(self) -> float:
        return self.hits / self.n if self.n else 1.0

    @property
    def mrr(self) -> float:
        return self.rr / self.n if self.n else 1.0

    @property
    def zero_rate(self) -> float:
        return self.zero / self.n if self.n else 0.0

    @property
    def first_rate(self) -> float:
        return self.firsts / self.n if self.n else 1.0


def score(queries: list[Query], results: dict[str, list[str]]) -> dict[str, Score]:
    """Per kind and overall ("all"): recall@10, MRR, zero-result rate, share with an expected page first."""
    table = {k: Score(k) for k in (*KINDS, "all")}
    for q in queries:
        ranks = results[q.text]
        table[q.kind].add(ranks, q.expected)
        table["all"].add(ranks, q.expected)
    return {k: s for k, s in table.items() if s.n}


def report(table: dict[str, Score], title: str) -> str:
    lines = [title, f"{'kind':<15}{'queries':>8}{'recall@10':>11}{'MRR':>7}{'first':>7}{'zero':>7}"]
    for s in table.values():
        lines.append(f"{s.kind:<15}{s.n:>8}{s.recall:>11.1%}{s.mrr:>7.3f}{s.first_rate:>7.1%}{s.zero_rate:>7.1%}")
    return "\n".join(lines)
