"""The generate step: check the data once, build the model once, and write the complete docs tree that
every engine builds.

    python -m shandong.outputs.generate [TREE]        (default build/docs; make site and make serve run it)

The tree holds every file the site shows, as a file, before any engine runs:

- the generated pages (``agencies/<id>.md``, ``themes/<id>.md``, ``tasks/<n>.md``, ``measures/<id>.md``)
  and the hand-written pages of ``docs/`` with their macros expanded (``views.pages``), charts inline;
- the static files of ``docs/`` (styles, scripts, the search worker);
- the Atom feeds (``feeds/``); the search's index and traditional → simplified table (``assets/search/``),
  and, when the site's public address is known, its OpenSearch description (``opensearch.xml``);
- the downloads (``data/``: JSON, schemas, CSV, Excel) and the briefs' HTML (``briefs/``).

The PDFs of the briefs are a separate step that reads the briefs' HTML (``outputs.pdf``); the files
it writes (``briefs/*.pdf`` and their record ``briefs/.pdfs.json``) are left alone here, and the briefs
page (``briefs/index.md``) shows the sizes and pages of those made from the current HTML: after the PDF
step, ``make site`` and ``make serve`` write that one page again (``refresh_briefs_page``), nothing else
depends on the PDFs. Beside the tree, ``build/mkdocs.yml`` is the engine's
configuration: ``mkdocs.yml`` plus this build's settings (the site's address, the dataset's dates).

A file is written only when its bytes changed (so a rebuild after one edit touches only what changed,
and an engine watching the tree rebuilds only then); a file of the tree that the step no longer makes
is removed. Bad data stops the step with every problem listed and nothing written.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..config import DOCS, ROOT, TEMPLATES, TREE, Settings
from ..data import history
from ..data.check import DataError, check
from ..data.load import Document
from ..data.model import Model, build_model
from ..views import briefs, feeds, search
from ..views.pages import PageContext, hand_written, page_makers, pages
from .downloads import downloads

DOWNLOADS = "data"  # the downloads' folder in the tree (and in the site)
BRIEFS = "briefs"
SEARCH_INDEX = "assets/search/index.json"  # the search's pages (views.search)
VARIANTS = "assets/search/variants.json"  # the search's traditional → simplified table
OPENSEARCH = "opensearch.xml"  # lets browsers add the site as a search engine (only with a public address)
# Files another step writes into the tree: the generate step neither writes nor removes them.
OTHER_STEPS = (f"{BRIEFS}/*.pdf", f"{BRIEFS}/{briefs.RECORD}*")

# Material's search plugin is enabled only because Material draws its header search box with it; the box
# runs the site's own search (views.search), which never reads the plugin's index. So every page of the tree
# tells the plugin to leave it out, with Material's documented front matter: building an index that nothing
# reads cost the engine ~1 s of a ~4.4 s build at k = 1 (BENCHMARKS.md). One definition, put into every
# Markdown file as it enters the tree (site_files' add; refresh_briefs_page); a test checks each page's front matter.
THEME_SEARCH_EXCLUDED = "search:\n  exclude: true\n"


def theme_search_excluded(page: str) -> str:
    """A page's Markdown with ``THEME_SEARCH_EXCLUDED`` first in its front matter (a front matter made for it
    if it has none)."""
    if page.startswith("---\n"):
        return "---\n" + THEME_SEARCH_EXCLUDED + page[4:]
    return "---\n" + THEME_SEARCH_EXCLUDED + "---\n" + page


def theme_search_included(page: str) -> str:
    """The inverse of ``theme_search_excluded`` (the benchmark's plain-Material baseline indexes every page)."""
    for head, keep in (("---\n" + THEME_SEARCH_EXCLUDED + "---\n", ""), ("---\n" + THEME_SEARCH_EXCLUDED, "---\n")):
        if page.startswith(head):
            return keep + page[len(head):]
    return page


@dataclass
class Generated:
    model: Model
    docs: dict[str, Document]
    files: dict[str, bytes]  # every file of the tree, by its path in it
    written: list[str] = field(default_factory=list)  # the files whose bytes changed
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def load(settings: Settings) -> tuple[dict[str, Document], Model]:
    """The checked documents and their model; ``DataError`` lists every problem."""
    docs, problems = check(settings.data_dir)
    if problems:
        raise DataError(problems)
    return docs, build_model(docs)


def last_changed(settings: Settings) -> str:
    """The date of the last commit that changed the data (YYYY-MM-DD), "" without git history."""
    changed = history.last_changed(settings.data_dir)
    return changed.isoformat() if changed else ""


def current_pdfs(tree: Path, brief_files: dict[str, bytes]) -> dict[str, dict]:
    """The briefs' PDFs in the tree that the PDF step made from the briefs' current HTML, by unit id (and
    ``all``): ``{"bytes": n, "pages": n}``, as its record (``briefs/.pdfs.json``) says and the files confirm.
    A PDF missing, made from other HTML (the data changed since) or of another size is left out."""
    folder = Path(tree) / BRIEFS
    try:
        record = json.loads((folder / briefs.RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    digests = {name.removesuffix(".html"): briefs.html_digest(data) for name, data in brief_files.items()
               if name.endswith(".html")}
    made_from = {**digests, "all": briefs.all_digest(digests)}
    out = {}
    for name, digest in made_from.items():
        entry = record.get(name) or {}
        pdf = folder / (briefs.ALL_PDF if name == "all" else f"{name}.pdf")
        if entry.get("html") == digest and pdf.is_file() and pdf.stat().st_size == entry.get("bytes"):
            out[name] = {"bytes": entry["bytes"], "pages": entry["pages"]}
    return out


def site_files(model: Model, docs: dict[str, Document], settings: Settings, changes: list[history.Change],
               changed: str, tree: Path | None = None) -> dict[str, bytes]:
    """Every file of the tree (but the PDFs), by its path in the tree. ``tree``: where the PDF step may have
    made the briefs' PDFs (their sizes and pages go on the briefs page)."""
    files: dict[str, bytes] = {}

    def add(path: str, data: bytes | str, source: str) -> None:
        if path in files:
            raise ValueError(f"{source} would overwrite {path}, which the site already has: rename one of them")
        if path.endswith(".md"):
            data = theme_search_excluded(data)
        files[path] = data.encode("utf-8") if isinstance(data, str) else data

    download_files, download_meta = downloads(model, docs)
    brief_files = briefs.files(model, settings.site_url, changed, pdf=settings.pdf)
    brief_pdfs = current_pdfs(tree, brief_files) if settings.pdf and tree is not None else {}
    ctx = PageContext(repo=settings.repo, pdf=settings.pdf, downloads=download_meta, last_changed=changed,
                      brief_pdfs=brief_pdfs)
    for path, text in pages(model, ctx).items():
        add(path, text, "a generated page")
    for path, data in download_files.items():
        add(f"{DOWNLOADS}/{path}", data, "a download")
    for name, data in brief_files.items():
        add(f"{BRIEFS}/{name}", data, "a brief")
    for path, xml in feeds.feeds(model, settings.site_url, changes).items():
        add(path, xml, "a feed")
    add(VARIANTS, search.variants_json(model, [DOCS, TEMPLATES]), "the search table")
    if settings.site_url:
        add(OPENSEARCH, search.opensearch_xml(settings.site_url, "数字山东", f"搜索“{feeds.TITLE}”的任务、措施、责任单位和主题"),
            "the OpenSearch description")
    written_by_hand = {}
    for src in sorted(DOCS.rglob("*")):
        if not src.is_file():
            continue
        rel = src.relative_to(DOCS).as_posix()
        source = f"docs/{rel}"
        if src.suffix == ".md":
            text, written_by_hand[rel] = hand_written(model, ctx, rel, src.read_text(encoding="utf-8"))
            add(rel, text, source)
        else:
            add(rel, src.read_bytes(), source)
    add(SEARCH_INDEX, search.index_json(model, written_by_hand), "the search index")
    return files


def config_path(tree: Path) -> Path:
    """The engine's configuration for a tree: ``mkdocs.yml`` beside it (``build/mkdocs.yml`` for ``build/docs``)."""
    return Path(tree).parent / "mkdocs.yml"


def engine_config(model: Model, settings: Settings, changed: str, tree: Path = TREE) -> str:
    """The engine's configuration (``config_path``): the project's mkdocs.yml (INHERIT) with this build's
    settings. Its relative paths are resolved from its own folder. The theme's templates (overrides/)
    read the dataset's dates from ``extra.dataset``."""
    here = config_path(tree).resolve().parent

    def rel(path: Path) -> str:
        return PurePosixPath(os.path.relpath(path, here)).as_posix()

    config: dict = {
        "INHERIT": rel(ROOT / "mkdocs.yml"),
        "docs_dir": rel(Path(tree).resolve()),
        "site_dir": rel(ROOT / "site"),
        "theme": {"custom_dir": rel(ROOT / "overrides")},
        "extra": {"dataset": {"as_of": model.as_of.isoformat(), "reviewed_by": model.reviewed_by,
                              "last_changed": changed, "feed": feeds.SITE_FEED}},
    }
    if settings.site_url:
        config["site_url"] = settings.site_url
    head = "# Written by the generate step (python -m shandong.outputs.generate): edit mkdocs.yml instead.\n"
    return head + json.dumps(config, ensure_ascii=False, indent=2) + "\n"  # JSON is YAML


def _is_other_step(rel: str) -> bool:
    return any(PurePosixPath(rel).match(p) for p in OTHER_STEPS)


def _write(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it holds them already (through a temporary file, so an engine
    never reads half of one). True if written."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def write_tree(tree: Path, files: dict[str, bytes]) -> tuple[list[str], list[str]]:
    """Make ``tree`` hold exactly ``files`` (and the other steps' files): write those whose bytes
    changed (each through a temporary file, so an engine never reads half of one), remove the rest.
    Returns the paths written and removed."""
    tree = Path(tree)
    written = [rel for rel, data in files.items() if _write(tree / rel, data)]
    removed = []
    if tree.is_dir():
        for path in sorted(tree.rglob("*"), reverse=True):  # files before their folders
            rel = path.relative_to(tree).as_posix()
            if path.is_file() and rel not in files and not _is_other_step(rel):
                path.unlink()
                removed.append(rel)
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return written, removed


def stale_pdfs(tree: Path, model: Model) -> list[Path]:
    """PDFs of the tree that no unit has any more (the PDF step writes the others)."""
    keep = {f"{aid}.pdf" for aid in model.agencies} | {"all.pdf"}
    folder = Path(tree) / BRIEFS
    return [p for p in sorted(folder.glob("*.pdf")) if p.name not in keep] if folder.is_dir() else []


def generate(tree: Path = TREE, settings: Settings | None = None) -> Generated:
    """Check the data, then write the tree and the engine's configuration (``DataError`` before anything
    is written when the data has problems)."""
    start = time.perf_counter()
    settings = settings or Settings.from_env()
    docs, model = load(settings)
    changed = last_changed(settings)
    files = site_files(model, docs, settings, history.changes(settings.data_dir), changed, tree)
    written, removed = write_tree(tree, files)
    without = [] if settings.pdf else [*sorted((Path(tree) / BRIEFS).glob("*.pdf")), *(Path(tree) / BRIEFS).glob(briefs.RECORD)]
    for pdf in stale_pdfs(tree, model) + without:
        pdf.unlink()
        removed.append(pdf.relative_to(tree).as_posix())
    config, path = engine_config(model, settings, changed, tree), config_path(tree)
    if not path.exists() or path.read_text(encoding="utf-8") != config:
        path.write_text(config, encoding="utf-8")
    return Generated(model, docs, files, written, removed, time.perf_counter() - start)


def refresh_briefs_page(tree: Path, generated: Generated) -> bool:
    """After the PDF step: the briefs page again, now with the sizes and pages of the PDFs made from the
    briefs' current HTML (the one file of the tree that depends on them), from what ``generated`` (the
    generation of ``tree`` the PDFs were made from) holds, instead of generating everything again.
    The same bytes as a new generation would write; written only if they changed. True if written."""
    prefix = f"{BRIEFS}/"
    brief_files = {rel.removeprefix(prefix): data for rel, data in generated.files.items() if rel.startswith(prefix)}
    ctx = PageContext(pdf=True, brief_pdfs=current_pdfs(tree, brief_files))
    data = theme_search_excluded(dict(page_makers(generated.model, ctx))[briefs.PAGE]()).encode("utf-8")
    generated.files[briefs.PAGE] = data
    return _write(Path(tree) / briefs.PAGE, data)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m shandong.outputs.generate", description=__doc__.splitlines()[0])
    p.add_argument("tree", type=Path, nargs="?", default=TREE, help="where to write the docs tree (default: build/docs)")
    args = p.parse_args(argv)
    try:
        result = generate(args.tree)
    except DataError as exc:
        print(exc)
        return 1
    print(f"generated {args.tree}/: {len(result.files)} files, {len(result.written)} written, "
          f"{len(result.removed)} removed, in {result.seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
