"""The build's data work, on the second core while MkDocs converts the pages on the first.

MkDocs is single-threaded. Everything the build makes from the data besides converting pages runs in
one worker process meanwhile: checking the data (JSON Schema and every rule of the checker), the
generated pages' Markdown, the Atom feeds, the search worker's character table, the downloads and the
briefs (HTML; PDFs and all.pdf unless ``SHANDONG_BRIEFS=0``). The hook starts it in ``on_config``
(``start``). The main process loads the same data without checking it, so it knows every file's name
in advance and registers them with MkDocs in ``on_files``; it takes their contents when MkDocs needs
them: a generated page when MkDocs reads it (``Job.page``, in parts, so that MkDocs starts on the
first part while the worker renders the rest), the downloads' sizes when the data page's macro runs
(``Job.downloads``, the data page is read last), the feeds and the search table before MkDocs writes
its first file (``on_env``), and the briefs with their PDFs at the very end (``Job.artifacts``,
``on_post_build``), so that MkDocs writes the pages and the search index while the PDFs are made.

Bad data still stops the build with every problem listed: the check's list is raised at ``on_env``
at the latest, before anything is written into the site, and as soon as the main process or the worker
fails on the data (``Job.fail``), instead of that failure.

One worker per building process, kept across the rebuilds of ``make serve``: its caches (the loaded
data, the briefs' parsed PDFs) stay warm, and its jobs run in the order they were submitted.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from . import render, site
from .check import DataError
from .model import Model

PART = 40  # the generated pages are rendered and handed over in parts of this many pages
VARIANTS = "assets/search/variants.json"  # the search worker's traditional → simplified table

_pool: ProcessPoolExecutor | None = None
_tokens = itertools.count()
_current: Job | None = None


class Unreadable(Exception):
    """A data file cannot be read as YAML: the check says why."""


def quiet_interrupt() -> None:
    """A worker process's initializer: on Ctrl-C (the terminal sends it to every process of the
    build), end at once and silently; the build's own process reports the interruption."""
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))


def parts(paths: list[str]) -> list[list[str]]:
    """``paths`` cut into runs of ``PART``, in order (the first run holds what MkDocs reads first)."""
    return [paths[i:i + PART] for i in range(0, len(paths), PART)]


# ---------------------------------------------------------------------------
# In the worker


def _warm(data_dir: str) -> None:
    """The worker's first job: start it, import what it needs, load the data while the main process does."""
    from . import exports, feeds  # noqa: F401

    site.load_unchecked(Path(data_dir))


_makers: dict = {}  # "model", "repo", "by_path": the page makers of the newest data, made once for all its parts


def _pages(data_dir: str, repo: render.Repo | None, paths: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The Markdown of these pages, and the SVGs of their chart slots (render.svg_slot)."""
    got = site.load_unchecked(Path(data_dir))
    if got is None:
        raise Unreadable(data_dir)
    model = got[1]
    if _makers.get("model") is not model or _makers.get("repo") != repo:
        _makers.update(model=model, repo=repo, by_path=dict(render.page_makers(model, repo)))
    render.take_svgs()
    return {path: _makers["by_path"][path]() for path in paths}, render.take_svgs()


def _check(data_dir: str) -> list:
    """The checker's problems ([] when the data passes; the verdict is cached, see site.get_data)."""
    try:
        site.get_data(Path(data_dir))
    except DataError as exc:
        return exc.problems
    return []


def _extras(data_dir: str, site_url: str, folders: list[str]) -> dict[str, str]:
    from . import feeds, search_keys

    model = site.get_model(Path(data_dir))
    out = feeds.feeds(model, site_url, Path(data_dir))
    out[VARIANTS] = search_keys.variants_json(model, [Path(f) for f in folders])
    return out


_stages: dict[int, object] = {}  # the artifacts being made, between _downloads and _artifacts


def _downloads(data_dir: str, site_url: str, token: int) -> dict:
    """The downloads (written) and their description: the data page lists them."""
    _stages.clear()  # a build that never took its artifacts (it failed)
    stages = _stages[token] = site.artifact_stages(site_url, Path(data_dir))
    return next(stages)


def _artifacts(token: int) -> str:
    """The briefs (HTML, PDFs, all.pdf) next to the downloads: the finished artifacts folder."""
    return str(next(_stages.pop(token)))


# ---------------------------------------------------------------------------
# In the build's process


def _executor(fresh: bool = False) -> ProcessPoolExecutor:
    global _pool
    if _pool is None or fresh:
        # spawn: a new interpreter, not a fork of this process and its threads (make serve's server)
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                    initializer=quiet_interrupt)
    return _pool


@dataclass
class Job:
    data_dir: Path
    site_url: str
    repo: render.Repo | None
    folders: list[Path]
    pool: ProcessPoolExecutor
    page_parts: list[Future] = field(default_factory=list)
    check: Future | None = None
    extras: Future | None = None
    downloads_: Future | None = None
    artifacts_: Future | None = None
    model: Model | None = None  # loaded by the main process, unchecked (``load``)
    folder: Path | None = None  # the artifacts folder the main process registered (``on_files``)
    artifact_files: list = field(default_factory=list)  # their MkDocs files, filled in at on_post_build
    _by_path: dict[str, int] = field(default_factory=dict)
    svgs: dict[str, str] = field(default_factory=dict)  # the SVGs of the chart slots of the pages read so far

    def load(self) -> Model:
        """The main process's model of the same data, not checked: then the worker gets its jobs,
        the generated pages first (in the order MkDocs reads them), then the check and the rest."""
        data = str(self.data_dir)
        try:
            got = site.load_unchecked(self.data_dir)
        except Exception as exc:  # noqa: BLE001 - invalid data can fail anywhere in the model: report the checker's list
            self.check = self.pool.submit(_check, data)
            self.fail(exc)
        if got is None:
            self.check = self.pool.submit(_check, data)
            self.fail()
        self.model = got[1]
        for i, chunk in enumerate(parts(render.page_paths(self.model))):
            self.page_parts.append(self.pool.submit(_pages, data, self.repo, chunk))
            self._by_path.update(dict.fromkeys(chunk, i))
        self.check = self.pool.submit(_check, data)
        self.extras = self.pool.submit(_extras, data, self.site_url, [str(f) for f in self.folders])
        token = next(_tokens)
        self.downloads_ = self.pool.submit(_downloads, data, self.site_url, token)
        self.artifacts_ = self.pool.submit(_artifacts, token)
        return self.model

    def fail(self, exc: BaseException | None = None) -> NoReturn:
        """Stop with every problem of the data when the checker finds some, else with ``exc``."""
        problems = self.check.result()
        if problems:
            raise DataError(problems) from None
        if exc is not None:
            raise exc
        raise RuntimeError("a data file could not be read, yet the checker found no problem")

    def _result(self, future: Future):
        try:
            return future.result()
        except DataError:
            raise
        except Exception as exc:  # noqa: BLE001 - see fail()
            self.fail(exc)

    def page(self, path: str) -> str | None:
        """The Markdown of a generated page (waits for its part), or None if ``path`` is not one."""
        index = self._by_path.get(path)
        if index is None:
            return None
        texts, svgs = self._result(self.page_parts[index])
        self.svgs.update(svgs)
        text = texts.get(path)
        if text is None:  # the worker read other data: a data file changed during the build
            raise RuntimeError(f"{path}: the data changed while the site was being built; build again")
        return text

    def fill_svgs(self, html: str) -> str:
        """A page's HTML with its charts (the slots of the worker's pages and of the main process's macros)."""
        self.svgs.update(render.take_svgs())
        return render.fill_svgs(html, self.svgs)

    def downloads(self) -> dict:
        """``downloads`` (one description per file) and ``as_of``, once the worker has written them."""
        self.finish_check()
        return self._result(self.downloads_)

    def artifacts(self) -> Path:
        """The finished artifacts folder (downloads, briefs with their PDFs), once the worker has made it."""
        self.finish_check()
        return Path(self._result(self.artifacts_))

    def finish_check(self) -> None:
        problems = self.check.result()
        if problems:
            raise DataError(problems)

    def extra_files(self) -> dict[str, str]:
        self.finish_check()
        return self._result(self.extras)

    def cancel(self) -> None:
        for f in [*self.page_parts, self.check, self.extras, self.downloads_, self.artifacts_]:
            if f is not None:
                f.cancel()


def start(data_dir: Path, site_url: str, repo: render.Repo | None, folders: list[Path]) -> Job:
    """Start the worker on the data of one build (``Job.load`` then hands it the work); returns at once."""
    global _current
    if _current is not None:
        _current.cancel()  # a rebuild that started before the last one finished
    for attempt in (0, 1):
        pool = _executor(fresh=attempt == 1)
        try:
            pool.submit(_warm, str(data_dir))
            break
        except BrokenProcessPool:  # the worker died (killed, out of memory): start another
            if attempt:
                raise
    _current = Job(Path(data_dir), site_url, repo, list(folders), pool)
    return _current


def current() -> Job:
    """The job of the build in progress (the hook starts it in on_config and loads its model)."""
    if _current is None or _current.model is None:
        raise RuntimeError("no build in progress: the data work starts in the hook's on_config (hooks: in mkdocs.yml)")
    return _current


def model() -> Model:
    """The model of the pages being built (the build's worker checks it)."""
    return current().model


def end() -> None:
    """The build is over (or failed): forget its job."""
    global _current
    if _current is not None:
        _current.cancel()
    _current = None
