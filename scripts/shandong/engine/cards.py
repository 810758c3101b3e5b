"""A Python-Markdown extension that lets every table of the site be read as stacked cards on a phone.

Each body cell of a table with three or more columns gets ``data-label`` = the text of its column's
header, and the table gets ``data-cards``; on narrow screens ``docs/assets/site.css`` lays such a table
out as one card per row, each cell preceded by its label (the GOV.UK "summary list" pattern). Tables
of two columns (key and value), and tables inside an element of class ``ds-nocards``, keep
their layout. Works on Markdown tables and on the HTML
tables of the templates (md_in_html) alike; registered by the MkDocs hook (``on_config``).
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from markdown import Extension, util
from markdown.treeprocessors import Treeprocessor


class CardLabels(Treeprocessor):
    def _text(self, el: ET.Element) -> str:
        """The text of a header cell, with stashed entities and inline HTML restored as text."""
        stash = self.md.htmlStash.rawHtmlBlocks

        def restore(m: re.Match) -> str:
            n = int(m[1])
            raw = stash[n] if n < len(stash) and isinstance(stash[n], str) else ""
            return html.unescape(raw)
        return " ".join(util.HTML_PLACEHOLDER_RE.sub(restore, "".join(el.itertext())).split())

    def run(self, root: ET.Element) -> None:
        # A table inside an element of class ds-nocards keeps its table layout (it fits a phone as it is).
        kept = {id(t) for el in root.iter() if "ds-nocards" in (el.get("class") or "").split() for t in el.iter("table")}
        for table in root.iter("table"):
            if id(table) in kept:
                continue
            head = table.find("thead")
            rows = head.findall("tr") if head is not None else []
            if not rows:
                continue
            labels = [self._text(th) for th in rows[-1] if th.tag in ("th", "td")]
            if len(labels) < 3:
                continue
            table.set("data-cards", "")
            for body in table.findall("tbody"):
                for tr in body.findall("tr"):
                    for cell, label in zip([c for c in tr if c.tag in ("td", "th")], labels, strict=False):
                        if label and cell.get("data-label") is None:
                            cell.set("data-label", label)


class CardsExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        # after "inline" (20), which turns cell text into its final form; before "prettify" (10)
        md.treeprocessors.register(CardLabels(md), "ds_card_labels", 15)


def makeExtension(**kwargs) -> CardsExtension:  # noqa: N802 (Python-Markdown's entry point)
    return CardsExtension(**kwargs)
