"""Atom feeds of what changed: ``feeds/all.atom`` for the whole site and ``feeds/agencies/<id>.atom``
per unit, written with feedgen.

Entries: every progress report (data/progress.yaml), and every commit of the last
``history.LIMIT`` that changed the data folder (which items changed, when, the commit message).
Without git history the feeds hold the reports only. An agency's feed holds the reports of its
items and the commits that changed one of its items or its own record.

Links are absolute when the site's public address is known (``site_url`` other than the
placeholder), else relative to the feed's own address (Atom resolves them against it).
"""
from __future__ import annotations

from datetime import UTC, datetime, time
from typing import TYPE_CHECKING

from ..config import public_url
from ..data import history
from ..data.model import STATUSES, Item, Model

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

SITE_FEED = "feeds/all.atom"
TAG = "tag:digital-shandong,2026"  # entry and feed ids (RFC 4151): fixed, so that readers keep them
TITLE = "数字山东 · 任务与责任"
EMPTY_SITEMAP = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n')
MAX_ITEMS_NAMED = 8  # a commit that changed more items names the first few and the count


def agency_feed(aid: str) -> str:
    return f"feeds/agencies/{aid}.atom"


def paths(model: Model) -> list[str]:
    """The files ``feeds()`` writes, in order, without writing them: the feeds, then an empty
    sitemap.xml per feed folder (see the end of ``feeds``)."""
    atom = [SITE_FEED, *(agency_feed(aid) for aid in model.agencies)]
    return atom + [f"{folder}/sitemap.xml" for folder in sorted({p.rsplit("/", 1)[0] for p in atom})]


def _href(base: str, path: str, feed_path: str) -> str:
    if base:
        return base + path
    depth = feed_path.count("/")
    return "../" * depth + path


def _when(d) -> datetime:
    if isinstance(d, datetime):
        return d if d.tzinfo else d.replace(tzinfo=UTC)
    return datetime.combine(d, time(0, 0), tzinfo=UTC)


def _report_entry(fg: FeedGenerator, report, base: str, feed_path: str, tag: str) -> None:
    item: Item = report.item
    zh = STATUSES[report.status][0]
    e = fg.add_entry(order="append")
    e.id(f"{tag}:report:{item.key}:{report.as_of.isoformat()}")
    e.title(f"{item.title}：{zh}（截至 {report.as_of.isoformat()}）")
    e.link(href=_href(base, item.url, feed_path), rel="alternate")
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


def _change_entry(fg: FeedGenerator, change: history.Change, model: Model, base: str, feed_path: str,
                  tag: str, items: list[Item]) -> None:
    e = fg.add_entry(order="append")
    e.id(f"{tag}:commit:{change.commit}")
    e.title(f"数据更新：{change.subject}")
    e.updated(_when(change.when))
    e.published(_when(change.when))
    e.category(term="data-change", label="数据更新")
    named = [x.title for x in items[:MAX_ITEMS_NAMED]]
    lines = [f"提交 {change.short}，{change.when.date().isoformat()}：{change.subject}"]
    if items:
        more = f" 等 {len(items)} 项" if len(items) > len(named) else ""
        lines.append("改动的事项：" + "、".join(named) + more)
    if change.agencies:
        lines.append("改动的单位记录：" + "、".join(model.agencies[a].short if a in model.agencies else a
                                             for a in change.agencies[:MAX_ITEMS_NAMED]))
    if change.files:
        lines.append("改动的文件：" + "、".join(f"data/{f}" for f in change.files[:MAX_ITEMS_NAMED]))
    e.content("\n".join(lines), type="text")
    if len(items) == 1:
        e.link(href=_href(base, items[0].url, feed_path), rel="alternate")
    else:
        e.link(href=_href(base, "", feed_path), rel="alternate")


def _feed(model: Model, path: str, title: str, subtitle: str, page: str, base: str, reports, changes,
          items_of) -> str:
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    tag = TAG
    fg.id(base + path if base else f"{tag}:{path}")
    fg.title(title)
    fg.subtitle(subtitle)
    fg.language("zh-CN")
    fg.author({"name": getattr(model, "reviewed_by", None) or TITLE})
    fg.link(href=_href(base, path, path), rel="self", type="application/atom+xml")
    fg.link(href=_href(base, page, path), rel="alternate", type="text/html")
    entries: list[tuple[datetime, str, object]] = [(_when(r.as_of), "r", r) for r in reports]
    entries += [(_when(c.when), "c", c) for c in changes]
    entries.sort(key=lambda x: x[0], reverse=True)
    newest = entries[0][0] if entries else _when(model.as_of)
    fg.updated(newest)
    for _, kind, obj in entries:
        if kind == "r":
            _report_entry(fg, obj, base, path, tag)
        else:
            _change_entry(fg, obj, model, base, path, tag, items_of(obj))
    return fg.atom_str(pretty=True).decode("utf-8")


def feeds(model: Model, site_url: str = "", changes: list[history.Change] = ()) -> dict[str, str]:
    """Every feed: path in the site -> Atom XML (and an empty sitemap.xml per feed folder, see the
    end). ``changes``: the data's git history (``history.changes``), none without it: reports only."""
    base = public_url(site_url)
    by_key = {x.key: x for x in model.items}

    def items_of(change: history.Change) -> list[Item]:
        return [by_key[k] for k in change.items if k in by_key]

    out = {SITE_FEED: _feed(model, SITE_FEED, f"{TITLE}：进展与数据更新",
                            "新的进展报告，以及数据的每次修改（哪项事项、何时、修改说明）。",
                            "", base, model.reports, changes, items_of)}
    for aid, agency in model.agencies.items():
        path = agency_feed(aid)
        mine = {x.key for x in model.agency_items(aid)}
        reports = [r for r in model.reports if r.item.key in mine]

        def own(change, mine=mine):
            return [x for x in items_of(change) if x.key in mine]

        touched = [c for c in changes if own(c) or aid in c.agencies]
        out[path] = _feed(model, path, f"{agency.name}：进展与数据更新",
                          f"{agency.name}承担的事项的进展报告与数据修改。", agency.url, base, reports, touched, own)
    # Material's JavaScript fetches "sitemap.xml" beside every <link rel="alternate"> of a page (it
    # takes them for other-language versions of the site): an empty sitemap in each feed folder
    # answers it instead of a 404 in every visitor's console.
    for path in paths(model):
        out.setdefault(path, EMPTY_SITEMAP)
    return out
