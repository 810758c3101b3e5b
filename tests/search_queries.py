"""A broad set of reader queries for the site search, derived from the data (issue 12).

Every query comes with the pages a reader expects (site-relative URLs), computed here from the
data by plain string containment over the documents' texts and the agency registry: nothing in
this module uses the site's search code (scripts/shandong/search_keys.py, the search worker), so a
change there cannot move the goalposts. Kinds:

- agency-name, agency-short: an agency's full name, its short name and the spellings of the
  documents → its own page (expected FIRST);
- agency-abbrev: what readers shorten names to: the name without 山东省 / 中共山东省委, the short
  name without 省, and the registry's editorial ``search_aliases`` (工信厅, 发改委 …) → its page (FIRST);
- word: up to three words of each item, as ``segment`` cuts its text (≥ 2 Han characters,
  in at most three items) → the items containing the word;
- phrase: two adjacent words of an item written together (数字校园) → the items containing it;
- mixed: ASCII with Chinese (5G基站, IPv6, APP, 互联网+医保) → the items containing it;
- number: numbers with their unit (4万个, 100项) → the items containing it;
- quoted: programme names in Chinese or ASCII quotes (“沃土行动”) → the items containing them;
- spaced: two words of one item separated by a space → the items containing both;
- typo: slips a reader makes: full-width ASCII, lower case, 和 left out of a name, a long phrase
  with a character left out → the page of the original;
- traditional: word, phrase and agency queries in traditional characters (OpenCC s2t) → the same pages.

Words without a dictionary. The word, phrase, spaced, mixed queries (and the typos and traditional
spellings made from them) need the items' texts cut into words. No segmenter is used: the documents
are their own lexicon. ``terms`` collects the strings of 2–4 Han characters that the items repeat
(found in at least two items: a string written in two places is a unit of the documents' language,
which is how readers learn the words they type); a string always written inside one longer repeated
string is only part of it (新一代信 is kept out when every item with it has 新一代信息), one that
starts or ends with a function character (的 和 与 及 等 …) crosses a word boundary, four
characters made of two repeated pairs are two words side by side (智慧 + 农业: a phrase, not a
word), and a string that, wherever it is written, starts inside a repeated pair (务信息 in 政务信息,
服务信息) or ends inside one (全面推 in 全面推动, 全面推行) is a fragment. ``segment`` then cuts each text: ASCII words, numbers and punctuation are pieces of their own; a
Han run set off by punctuation on both sides and 2–4 characters long is kept whole (a list member or a
quoted name: 智慧物流, 沃土行动); longer runs are cut into terms by maximum matching from the front and
from the back, the cut with fewer single characters winning. All of it is deterministic and uses the
texts only; what a query is expected to find is still plain containment, so a cut that is not how a
reader would cut makes a query stranger, never an expectation wrong (when this was written, 8 of the
183 word queries crossed a word as jieba cut it, such as 化水平 of 智能化水平).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

HAN = r"\u4e00-\u9fff"
WORD = re.compile(f"[{HAN}]{{2,}}")
HAN_RUN = re.compile(f"[{HAN}]+")
PIECE = re.compile(f"[{HAN}]+|[A-Za-z0-9]+(?:[.\\-][A-Za-z0-9]+)*|\\S")  # Han runs, ASCII words and numbers, single signs
FUNCTION = set("的和与及等并在对为是将把以于其各之了或个")  # what words do not start or end with
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


def _grams(text: str, longest: int):
    """(run, offset, string) for every string of 2 to ``longest`` Han characters written in text."""
    for run in HAN_RUN.findall(text):
        for size in range(2, longest + 1):
            for k in range(len(run) - size + 1):
                yield run, k, run[k:k + size]


def terms(texts: list[str]) -> set[str]:
    """The texts' repeated terms (see the module's docstring)."""
    found: dict[str, set[int]] = {}
    for n, text in enumerate(texts):
        for _, _, g in _grams(text, 5):
            found.setdefault(g, set()).add(n)
    wider: Counter = Counter()  # for each string, the most texts that one of its one-character extensions is in
    for g, ns in found.items():
        if len(g) >= 3:
            for part in (g[1:], g[:-1]):
                wider[part] = max(wider[part], len(ns))
    out = {g for g, ns in found.items()
           if len(g) <= 4 and len(ns) >= 2 and g[0] not in FUNCTION and g[-1] not in FUNCTION and wider[g] < len(ns)}
    out = {g for g in out if not (len(g) == 4 and g[:2] in out and g[2:] in out)}
    pairs = {g for g in out if len(g) == 2}
    written, starts_inside, ends_inside = Counter(), Counter(), Counter()
    for text in texts:
        for run, k, g in _grams(text, 4):
            if g in out:
                end = k + len(g)
                written[g] += 1
                starts_inside[g] += k > 0 and run[k - 1:k + 1] in pairs
                ends_inside[g] += end < len(run) and run[end - 1:end + 1] in pairs
    return {g for g in out if starts_inside[g] < written[g] and ends_inside[g] < written[g]}


def _cut(run: str, vocabulary: set[str]) -> list[str]:
    """A Han run cut into vocabulary terms (other characters alone), by maximum matching from the
    front and from the back; the cut with fewer single characters wins, then the one with fewer
    pieces, then the back's."""
    def longest(k: int, step: int) -> int:  # length of the longest term starting (step 1) or ending (-1) at k
        for n in range(min(4, len(run) - k if step > 0 else k), 1, -1):
            if (run[k:k + n] if step > 0 else run[k - n:k]) in vocabulary:
                return n
        return 1

    front, k = [], 0
    while k < len(run):
        n = longest(k, 1)
        front.append(run[k:k + n])
        k += n
    back, k = [], len(run)
    while k > 0:
        n = longest(k, -1)
        back.insert(0, run[k - n:k])
        k -= n

    def rank(ws: list[str]) -> tuple[int, int]:
        return sum(len(w) == 1 for w in ws), len(ws)

    return front if rank(front) < rank(back) else back


def segment(text: str, vocabulary: set[str]) -> list[str]:
    """The text cut into words (see the module's docstring); spaces are dropped."""
    pieces = PIECE.findall(text)
    out: list[str] = []
    for k, p in enumerate(pieces):
        if not HAN_RUN.fullmatch(p):
            out.append(p)
            continue
        set_off = all(not 0 <= j < len(pieces) or not pieces[j][0].isalnum() for j in (k - 1, k + 1))  # by signs or ends
        out += [p] if set_off and 2 <= len(p) <= 4 else _cut(p, vocabulary)
    return out


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


def _beside(ws: list[str], k: int, step: int) -> str | None:
    """The Han word next to ws[k] (step 1: after it, -1: before it); where the cut left a single
    character there (not a function character), that character and the next one on the same side."""
    near, far = k + step, k + 2 * step
    if not 0 <= near < len(ws) or not HAN_RUN.fullmatch(ws[near]):
        return None
    if len(ws[near]) >= 2:
        return ws[near]
    if ws[near] in FUNCTION or not 0 <= far < len(ws) or not HAN_RUN.fullmatch(ws[far]):
        return None
    return ws[near] + ws[far][0] if step > 0 else ws[far][-1] + ws[near]


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
    vocabulary = terms([i.text for i in items])
    words_of = {i.url: segment(i.text, vocabulary) for i in items}
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
                if after := _beside(ws, k, 1):
                    mixed.add(w + after)
                if before := _beside(ws, k, -1):
                    mixed.add(before + w)
            if w == "+" and 0 < k < len(ws) - 1:
                before, after = (ASCII.fullmatch(ws[j]) and ws[j] or _beside(ws, k, j - k) for j in (k - 1, k + 1))
                if before and after:
                    mixed.add(before + "+" + after)
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
