"""Atom feeds of what changed: ``feeds/all.atom`` for the whole site and ``feeds/agencies/<id>.atom``
per unit, written with feedgen.

Entries: every progress report (data/progress.yaml), and what each of the last ``history.LIMIT``
commits changed in the data, said in Chinese (``views.changes``): an entry per changed record whose
title says which item or unit, which field, old → new, and whose content lists every field; a commit
that changed more than ``MAX_RECORD_ENTRIES`` records of a feed is one entry listing them. Merge
commits, and commits that changed no value of the data (code, schemas, comments, layout), have no
entry; the commit message is never shown. A report added by a commit is its report's entry (no
second entry). Without git history the feeds hold the reports only.

An agency's feed holds the reports of its items and the changes to its own record and to the items
it is assigned to, before or after the change.

Links are absolute, to the page that shows what changed, when the site's public address is known
(``config.public_url``). Without it the entries have no links at all: the entry says in words what
changed; an address is never guessed, and relative links (which feed readers resolve against
wherever they fetched the feed, or not at all) are not used.
"""
from __future__ import annotations

from datetime import UTC, datetime, time
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..config import public_url
from ..data import history
from ..data.model import STATUSES, Item, Model
from .changes import ACTIONS, OTHER, WORDS, Described, Names, describe_all, item_name, record_name

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

SITE_FEED = "feeds/all.atom"
TAG = "tag:digital-shandong,2026"  # entry and feed ids (RFC 4151): fixed, so that readers keep them
TITLE = "数字山东 · 任务与责任"
EMPTY_SITEMAP = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n')
MAX_RECORD_ENTRIES = 10  # a commit that changed more records of a feed is one entry there


def agency_feed(aid: str) -> str:
    return f"feeds/agencies/{aid}.atom"


def paths(model: Model) -> list[str]:
    """The files ``feeds()`` writes, in order, without writing them: the feeds, then an empty
    sitemap.xml per feed folder (see the end of ``feeds``)."""
    atom = [SITE_FEED, *(agency_feed(aid) for aid in model.agencies)]
    return atom + [f"{folder}/sitemap.xml" for folder in sorted({p.rsplit("/", 1)[0] for p in atom})]


def _link(entry_or_feed, base: str, page: str, **kw) -> None:
    """An absolute link to a page of the site; none without the site's address."""
    if base:
        entry_or_feed.link(href=base + page, **kw)


def _when(d) -> datetime:
    if isinstance(d, datetime):
        return d if d.tzinfo else d.replace(tzinfo=UTC)
    return datetime.combine(d, time(0, 0), tzinfo=UTC)


def _report_entry(fg: FeedGenerator, report, base: str, tag: str) -> None:
    item: Item = report.item
    zh = STATUSES[report.status][0]
    e = fg.add_entry(order="append")
    e.id(f"{tag}:report:{item.key}:{report.as_of.isoformat()}")
    e.title(f"{item_name(item)}：{zh}（截至 {report.as_of.isoformat()}）")
    _link(e, base, item.url, rel="alternate")
    e.updated(_when(report.as_of))
    e.published(_when(report.as_of))
    e.category(term=report.status, label=zh)
    lines = [f"进展：{zh}。{report.summary}"]
    for c in report.evidence:
        s = c.source
        ref = s.doc_number or s.url or ""
        lines.append(f"依据：{s.title}（{s.issuer}，{s.date.isoformat()}{'，' + ref if ref else ''}）"
                     + (f" {c.locator}" if c.locator else ""))
    e.content("\n".join(lines), type="text")


def _change_entry(fg: FeedGenerator, change: history.Change, d: Described, base: str, tag: str) -> None:
    """One changed record: the title says what changed, the content every field."""
    e = fg.add_entry(order="append")
    e.id(f"{tag}:commit:{change.commit}:{quote(d.change.id, safe='/-.')}")
    e.title(d.title)
    _link(e, base, d.page, rel="alternate")
    e.updated(_when(change.when))
    e.published(_when(change.when))
    e.category(term="data-change", label="数据更新")
    e.content("\n".join(d.lines) or d.title, type="text")


def _counts(ds: list[Described]) -> str:
    """新增重点任务 51 项、单位 56 个；修改单位 16 个"""
    parts = []
    for action, zh in ACTIONS.items():
        counted = [(word, unit, n) for word, unit in [*WORDS.values(), OTHER]
                   if (n := sum(d.change.action == action and d.word == (word, unit) for d in ds))]
        if counted:
            parts.append(zh + "、".join(f"{word} {n} {unit}" for word, unit, n in counted))
    return "；".join(parts)


def _commit_entry(fg: FeedGenerator, change: history.Change, ds: list[Described], names: Names, page: str,
                  base: str, tag: str) -> None:
    """A commit that changed many records of the feed: the records added and removed, kind by kind;
    each record changed with its fields."""
    e = fg.add_entry(order="append")
    e.id(f"{tag}:commit:{change.commit}")
    e.title(f"数据更新：{_counts(ds)}")
    _link(e, base, page, rel="alternate")
    e.updated(_when(change.when))
    e.published(_when(change.when))
    e.category(term="data-change", label="数据更新")
    lines = []
    for action in ("added", "removed"):  # one line per kind: 新增重点任务（51 项）：重点任务 1、重点任务 2、…
        for word, unit in [*WORDS.values(), OTHER]:
            named = [record_name(d.change, names) for d in ds if d.change.action == action and d.word == (word, unit)]
            if named:
                lines.append(f"{ACTIONS[action]}{word}（{len(named)} {unit}）：{'、'.join(named)}")
    for d in ds:
        if d.change.action == "changed":
            lines.append(d.title)
            said = len(d.fields) == 1 and d.fields[0][2] in d.title  # the title gave the one field's change
            lines += [] if said else [f"    {line}" for line in d.lines]
    e.content("\n".join(lines), type="text")


def _feed(model: Model, path: str, title: str, subtitle: str, page: str, base: str, reports,
          changes: list[tuple[history.Change, list[Described]]], names: Names) -> str:
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    tag = TAG
    fg.id(base + path if base else f"{tag}:{path}")
    fg.title(title)
    fg.subtitle(subtitle)
    fg.language("zh-CN")
    fg.author({"name": getattr(model, "reviewed_by", None) or TITLE})
    _link(fg, base, path, rel="self", type="application/atom+xml")
    _link(fg, base, page, rel="alternate", type="text/html")
    entries: list[tuple[datetime, str, object]] = [(_when(r.as_of), "r", r) for r in reports]
    entries += [(_when(c.when), "c", (c, ds)) for c, ds in changes if ds]
    entries.sort(key=lambda x: x[0], reverse=True)
    newest = entries[0][0] if entries else _when(model.as_of)
    fg.updated(newest)
    for _, kind, obj in entries:
        if kind == "r":
            _report_entry(fg, obj, base, tag)
            continue
        change, ds = obj
        if len(ds) > MAX_RECORD_ENTRIES:
            _commit_entry(fg, change, ds, names, page, base, tag)
        else:
            for d in ds:
                _change_entry(fg, change, d, base, tag)
    return fg.atom_str(pretty=True).decode("utf-8")


def feeds(model: Model, site_url: str = "", changes: list[history.Change] = ()) -> dict[str, str]:
    """Every feed: path in the site -> Atom XML (and an empty sitemap.xml per feed folder, see the
    end). ``changes``: the data's git history (``history.changes``), none without it: reports only."""
    base = public_url(site_url)
    names = Names.of(model)

    def shown(d: Described) -> bool:  # a report added by the commit is its own report entry
        rc = d.change
        return not (rc.group == "reports" and rc.action == "added" and len(rc.key) == 2
                    and (str(rc.key[0]), str(rc.key[1])) in names.reports)

    described = [(c, [d for d in describe_all(c.records, names) if shown(d)]) for c in changes]
    out = {SITE_FEED: _feed(model, SITE_FEED, f"{TITLE}：进展与数据更新",
                            "新的进展报告，以及数据的每次修改：哪项事项或单位、哪个字段、由什么改为什么。",
                            "", base, model.reports, described, names)}
    for aid, agency in model.agencies.items():
        path = agency_feed(aid)
        mine = {x.key for x in model.agency_items(aid)}
        reports = [r for r in model.reports if r.item.key in mine]
        touched = [(c, [d for d in ds if aid in d.units]) for c, ds in described]
        out[path] = _feed(model, path, f"{agency.name}：进展与数据更新",
                          f"{agency.name}承担的事项的进展报告，以及这些事项和本单位记录的每次修改。",
                          agency.url, base, reports, touched, names)
    # Material's JavaScript fetches "sitemap.xml" beside every <link rel="alternate"> of a page (it
    # takes them for other-language versions of the site): an empty sitemap in each feed folder
    # answers it instead of a 404 in every visitor's console.
    for path in paths(model):
        out.setdefault(path, EMPTY_SITEMAP)
    return out
