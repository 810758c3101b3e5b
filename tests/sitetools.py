"""Helpers for tests that build the site or open it in a browser."""
from __future__ import annotations

import functools
import http.server
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # a browser that leaves a page mid-download is no error
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(root: Path):
    """Serve ``root`` on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(root))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@functools.cache
def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


def page(site: Path, url: str) -> BeautifulSoup:
    """The parsed page at a site-relative URL such as ``agencies/jinan/``."""
    path = site / url
    return soup(path / "index.html" if url.endswith("/") or not url else path)


def article(doc: BeautifulSoup):
    return doc.select_one("article.md-content__inner")


def resolve(site: Path, page_file: Path, href: str) -> tuple[Path | None, str]:
    """The file an internal link points at, and its fragment. (None, '') for external links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("mailto:"):
        return None, ""
    if not parts.path:
        return page_file, parts.fragment
    target = (page_file.parent / parts.path).resolve() if not parts.path.startswith("/") else site / parts.path.lstrip("/")
    if target.is_dir() or parts.path.endswith("/"):
        target = target / "index.html"
    return target, parts.fragment


@functools.cache
def data_model(data_dir: Path | None = None):
    """The checked model of ``data_dir`` (default data/), once per test run: test modules load no data when imported."""
    from shandong.config import DATA
    from shandong.data.check import load_checked

    return load_checked(Path(data_dir or DATA))


@functools.cache
def data_docs(data_dir: Path | None = None):
    """The checked documents of ``data_dir`` (default data/), once per test run."""
    from shandong.config import DATA
    from shandong.data.check import check

    docs, problems = check(Path(data_dir or DATA))
    assert not problems, problems
    return docs


_built: dict[str, Path] = {}
# The repository the test builds link to ("edit this record"): a fixed one, whatever the checkout's remote.
TEST_REPO = "https://github.com/digital-shandong/plan-site"


def build_site(out: Path, data_dir: Path | None = None, pdf: bool = True, site_url: str = "", engine_name: str | None = None,
               **extra_env) -> Path:
    """Generate the tree beside ``out`` and build the site into ``out`` with the link checker on."""
    from shandong.config import DATA, Repo, Settings, public_url
    from shandong.engine.build import build

    settings = Settings(data_dir=Path(data_dir or DATA), site_url=public_url(site_url), repo=Repo(TEST_REPO), pdf=pdf)
    build(out, settings, tree=out.parent / "docs", engine_name=engine_name, extra_env={"HTMLPROOFER": "true", **extra_env},
          quiet=True)
    return out


# The fixture datasets' sites are built with a public address (the real data's without one), so that both
# kinds of build are tested: absolute links where the address is known, none invented where it is not.
FIXTURE_SITE_URL = "https://digital-shandong.test/sub/"  # .test: reserved, never a real address


def built_site(data_dir: Path | None = None) -> Path:
    """The site built from ``data_dir`` (default data/), once per test run and dataset; returns its folder."""
    import tempfile

    key = str(data_dir or "")
    if key not in _built:
        _built[key] = build_site(Path(tempfile.mkdtemp(prefix="ds-site-")) / "site", data_dir,
                                 site_url=FIXTURE_SITE_URL if data_dir else "")
    return _built[key]
