"""Run the query set (search_queries.py) against a built site, to measure its search or compare engines.

    PYTHONPATH=scripts:tests .venv/bin/python tests/search_compare.py SITE_DIR [--pagefind]

SITE_DIR is a built site (``python -m shandong.engine.build SITE_DIR``). Without ``--pagefind`` the
queries go to the site's own search worker through the search page (``search/``, ``DsSearch.ask``),
top 10 results; with it, to Pagefind's JavaScript API (``/pagefind/pagefind.js``, after
``pagefind_extended --site SITE_DIR``), top 10 results. Prints recall@10, MRR, first and zero-result
rate per kind, and the share of queries answered with near matches only (no page held the whole query).

Measured when the site's worker was chosen (issue 12, 1,316 queries): Material 9.8.2 as shipped 54.0%
recall@10 / 35.4% zero; with a separator splitting ASCII from Han and at quotes 58.3% / 30.9%;
Pagefind 1.5.2 extended (root selector article.md-content__inner, zh-cn) 69.6% / 16.0%; the worker
99.7% / 0%. On the 1,207 queries of today's data: Material's worker patched (before issue 18) 99.1% /
0%; the site's own search (issue 18, 19: every part of the query) in the report of tests/test_search.py.
"""
from __future__ import annotations

import sys
from pathlib import Path

PAGEFIND = """async queries => {
  const pf = await import('/pagefind/pagefind.js');
  await pf.init();
  const out = {};
  for (const q of queries) {
    const r = await pf.search(q);
    const top = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
    out[q] = top.map(d => d.url.replace(/^\\//, '').split('#')[0]);
  }
  return out;
}"""


def main(argv: list[str]) -> int:
    import search_queries as sq
    from search_browser import served_searcher
    from shandong.data.check import load_checked

    site, pagefind = Path(argv[0]), "--pagefind" in argv
    queries = sq.build(load_checked())
    texts = sorted({q.text for q in queries})
    with served_searcher(site) as s:
        if pagefind:
            results = {}
            for k in range(0, len(texts), 200):
                results.update(s.page.evaluate(PAGEFIND, texts[k:k + 200]))
            near = set()
        else:
            results = s.ask(texts)
            near = results.near
    print(sq.report(sq.score(queries, results), f"{site} ({'Pagefind' if pagefind else 'the site search'})"))
    print(f"answered with near matches only: {sum(q.text in near for q in queries)} of {len(queries)} queries")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
