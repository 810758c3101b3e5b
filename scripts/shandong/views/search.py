"""The site's Chinese search: its index, its search keys and its traditional → simplified table, from
the model and the pages' Markdown (the generate step writes them under ``assets/search/``).

The search itself is ours and runs in the reader's browser (``docs/assets/search/``): ``engine.js``
matches the query against the text of the pages after normalising both (NFKC, lower case,
traditional → simplified, no spaces), so no word segmentation is needed; ``worker.js`` runs it off
the page; ``ui.js`` draws the results on the search page (``docs/search/index.md``, ``/search/?q=…``)
and in the theme's header box (``overrides/partials/search.html``). Nothing of it uses the theme's
own search.

The index (``index_json``) holds one record per page, and only what the page says in its own words:

- a task or measure: its title (``item_title``), its text as the lead, its progress reports and the
  editors' note as sections, and its units (references to the agencies' records, whose keys then
  find the item too: 工信厅 5G);
- an agency: its name, its kind and the spellings of the documents as the lead, its note, and its
  search keys (``agency_keys``: every spelling, the forms readers shorten them to, the registry's
  editorial ``search_aliases``); the keys are matched, never shown;
- a theme: its name, its description as the lead, the parts of the action plan filed under it;
- a hand-written page of ``docs/``: its heading, its first paragraphs as the lead, each section's
  heading and paragraphs (``hand_written_record``).

Left out: tables (their headers and the data they repeat from the item pages), forms (the tables'
filters), charts, collapsed blocks, navigation, and whatever a template marks ``data-search-exclude``.

``variants``: OpenCC's traditional → simplified table, for the characters the site uses
(``assets/search/variants.json``), so that 電子病歷 finds 电子病历.
"""
from __future__ import annotations

import json
from functools import cache, lru_cache
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..data.model import Agency, Item, Model

INDEX_VERSION = 1
# How a page type weighs in the ranking (the pages readers look for most: items, then agencies).
BOOST = {"item": 3, "agency": 2}
SEARCH_PAGE = "search/"  # the search page: not in its own index


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


def item_title(item: Item) -> str:
    """An item's title as readers see it on its page and in search results ("行动措施 1.1.1").
    The one place the search takes it from (an editorial short title can take its place here)."""
    return item.title


def agency_title(a: Agency) -> str:
    """An agency page's heading: its name, and its short name after it when that differs."""
    return a.name if a.short == a.name else f"{a.name}（{a.short}）"


# --- the index ----------------------------------------------------------------------------------

def _record(url: str, title: str, lead: str, sections=(), keys=(), units=(), boost: int = 1, short: str = "") -> dict:
    """One page of the index. Fields (short names keep the file small): u the page's site-relative
    URL, t its title, l its lead, s its sections [anchor, heading, text] (anchor "" for none), k its
    search keys, a the records of its units (indices), n a short name shown for an agency matched as
    an item's unit, b its boost."""
    rec: dict = {"u": url, "t": title, "l": lead}
    if sections:
        rec["s"] = [list(s) for s in sections]
    if keys:
        rec["k"] = list(keys)
    if units:
        rec["a"] = list(units)
    if short:
        rec["n"] = short
    if boost != 1:
        rec["b"] = boost
    return rec


def agency_record(a: Agency) -> dict:
    written = "、".join(f"“{s}”" for s in a.aliases)
    lead = f"{a.kind_name}。" + (f"文件中写作{written}。" if written else "")
    sections = [("#about", "编辑说明", a.note)] if a.note else []
    return _record(a.url, agency_title(a), lead, sections, agency_keys(a), boost=BOOST["agency"], short=a.short)


def theme_record(model: Model, tid: str) -> dict:
    t = model.themes[tid]
    sections = []
    for sec in model.sections:
        if sec.theme == tid:
            sections.append((f"#section-{sec.number}", sec.label, ""))
            sections += [(f"#section-{sec.number}-{sub.number}", sub.label, "") for sub in sec.subsections]
    return _record(t.url, t.name, t.description, sections)


def item_record(item: Item, agency_index: dict[str, int]) -> dict:
    sections = []
    for r in item.reports:  # newest first
        sections.append(("#progress", f"进展（{r.as_of.isoformat()}，{r.status_name}）", r.summary))
    if item.note:
        sections.append(("", "编辑说明", item.note))
    return _record(item.url, item_title(item), item.text, sections, units=[agency_index[u] for u in item.units()],
                   boost=BOOST["item"])


# Elements whose text is not indexed: tables (headers, and data repeated from the item pages), forms
# and their controls, charts, collapsed blocks, navigation, code blocks, scripts.
SKIP_TAGS = {"table", "form", "select", "button", "input", "textarea", "label", "svg", "figure", "details",
             "nav", "script", "style", "noscript", "pre", "template"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BLOCK_TAGS = {"p", "li", "dt", "dd", "blockquote", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl"}
SECTION_TAGS = {"h2", "h3"}


class _PageText(HTMLParser):
    """Headings and running text of a page's HTML, cut into sections at h2 and h3 (see SKIP_TAGS)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.blocks: list[list] = [["", "", []]]  # [anchor, heading, paragraphs]
        self.stack: list[tuple[str, bool]] = []  # open elements: (tag, skipped)
        self.heading: tuple[str, str, list[str]] | None = None  # (tag, id, text) while inside a heading
        self.text: list[str] = []

    @property
    def skipping(self) -> bool:
        return any(skipped for _, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        skipped = (tag in SKIP_TAGS or "data-search-exclude" in a or "hidden" in a or "md-button" in classes
                   or "headerlink" in classes)
        if not self.skipping and (tag in BLOCK_TAGS):
            self._flush()
        self.stack.append((tag, skipped))
        if tag in ("h1", *SECTION_TAGS) and not self.skipping:
            self.heading = (tag, a.get("id") or "", [])

    def handle_endtag(self, tag):
        if tag in VOID_TAGS or not any(t == tag for t, _ in self.stack):
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if self.skipping:
            return
        if self.heading and tag == self.heading[0]:
            kind, anchor, parts = self.heading
            text = _squash("".join(parts))
            if kind == "h1":
                self.title = self.title or text
            else:
                self.blocks.append([f"#{anchor}" if anchor else "", text, []])
            self.heading = None
        elif tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data):
        if self.skipping:
            return
        if self.heading:
            self.heading[2].append(data)
        else:
            self.text.append(data)

    def _flush(self):
        text = _squash("".join(self.text))
        if text:
            self.blocks[-1][2].append(text)
        self.text = []

    def close(self):
        super().close()
        self._flush()


def _squash(text: str) -> str:
    return " ".join(text.split())


def _no_emoji(*args, **kwargs):
    return ""


@cache
def _markdown():
    """One Markdown converter per process (making one loads every extension: ~0.05 s a page)."""
    import markdown
    from pymdownx.slugs import slugify

    return markdown.Markdown(extensions=["attr_list", "md_in_html", "tables", "admonition", "pymdownx.details",
                                         "pymdownx.superfences", "pymdownx.emoji", "toc"],
                             extension_configs={"toc": {"slugify": slugify(case="lower")},
                                                "pymdownx.emoji": {"emoji_generator": _no_emoji}})


def _markdown_html(source: str) -> str:
    """A page's Markdown as HTML, with the extensions whose output the index reads (headings' ids as
    the site makes them; emoji shortcodes dropped)."""
    return _markdown().reset().convert(_without_front_matter(source))


def _without_front_matter(source: str) -> str:
    if source.startswith("---\n"):
        end = source.find("\n---\n", 4)
        if end >= 0:
            return source[end + 5:]
    return source


def page_url(path: str) -> str:
    """The site-relative URL of a Markdown source path (``about.md`` → ``about/``, ``themes/index.md`` → ``themes/``)."""
    stem = path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        stem = stem.removesuffix("index")
        return stem
    return stem + "/"


@lru_cache(maxsize=64)
def _hand_written_record(path: str, source: str) -> str:
    return json.dumps(hand_written_record(path, source), ensure_ascii=False)


def hand_written_record(path: str, source: str) -> dict:
    """The index record of a hand-written page (its Markdown, macros expanded): the first heading as
    its title, the paragraphs before the first section as its lead, each h2 and h3 a section."""
    walk = _PageText()
    walk.feed(_markdown_html(source))
    walk.close()
    (_, _, lead), *rest = walk.blocks
    sections = [(anchor, heading, "\n".join(paras)) for anchor, heading, paras in rest]
    return _record(page_url(path), walk.title or page_url(path), "\n".join(lead), sections)


def records(model: Model, hand_written: dict[str, str]) -> list[dict]:
    """Every page of the index: the hand-written pages (path → Markdown with macros expanded and the parts
    marked ``render.index_skip`` left out; the search page itself is left out), the agencies, the themes,
    the tasks, the measures."""
    # A page's record is a pure function of its text: kept (as JSON, so no caller can change it) for the
    # next generation of make serve, where most hand-written pages have not changed.
    out = [json.loads(_hand_written_record(path, source)) for path, source in sorted(hand_written.items())
           if page_url(path) != SEARCH_PAGE]
    agency_index = {}
    for a in model.agencies.values():
        agency_index[a.id] = len(out)
        out.append(agency_record(a))
    out += [theme_record(model, tid) for tid in model.themes]
    out += [item_record(i, agency_index) for i in model.items]
    return out


def index_json(model: Model, hand_written: dict[str, str]) -> str:
    """``assets/search/index.json``: {"version", "pages": records}."""
    return json.dumps({"version": INDEX_VERSION, "pages": records(model, hand_written)}, ensure_ascii=False,
                      separators=(",", ":"))


# --- OpenSearch ---------------------------------------------------------------------------------

def opensearch_xml(site_url: str, short_name: str, description: str) -> str:
    """The OpenSearch description (``opensearch.xml``) that lets a browser add the site as a search
    engine: its search page with the reader's words as ``q``. ``site_url`` is the public address
    (config.public_url); without one there is no such file."""
    if not site_url:
        raise ValueError("an OpenSearch description needs the site's public address")
    base = site_url if site_url.endswith("/") else site_url + "/"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">\n'
            f"  <ShortName>{escape(short_name)}</ShortName>\n"
            f"  <Description>{escape(description)}</Description>\n"
            "  <InputEncoding>UTF-8</InputEncoding>\n"
            "  <Language>zh-CN</Language>\n"
            f"  <Url type=\"text/html\" method=\"get\" template={quoteattr(base + 'search/?q={searchTerms}')}/>\n"
            f"  <Url type=\"application/opensearchdescription+xml\" rel=\"self\" template={quoteattr(base + 'opensearch.xml')}/>\n"
            "</OpenSearchDescription>\n")


# --- traditional → simplified -------------------------------------------------------------------

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
    (省政府各部門), which the search normalises like a reader's."""
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
    extra = "".join(p.read_text(encoding="utf-8") for f in folders for p in sorted(Path(f).rglob("*"))
                    if p.suffix in (".md", ".j2"))
    return json.dumps(variants(model, extra), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
