"""The MkDocs glue (``hooks:`` in mkdocs.yml). Kept thin: everything it calls is engine-independent.

The data work runs in a worker process on the second core while MkDocs converts the pages
(shandong.prebuild): checking the data, the generated pages' Markdown, the feeds, the search
worker's table, the downloads and the briefs. The hook registers every one of those files in
advance and hands MkDocs their contents when it needs them:

- on_config: start the worker; load the same data (unchecked) for the file names and the macros;
  add the Markdown extension that labels table cells for the phone layout (shandong.cards);
- on_files: add the generated pages (agencies, themes, tasks, measures) as virtual files, with
  links to their records in the repository (``extra.repository``; also sets edit_uri), the search
  worker's table of traditional characters (assets/search/variants.json), the Atom feeds
  (feeds.py), and the briefs and downloads of the artifacts cache (``site.artifacts``); the data
  page (which lists the downloads' sizes) is read last, so that the worker has made them by then;
- on_page_read_source: a generated page's Markdown, from the worker;
- on_post_page: the charts' SVG in place of their slots (render.svg_slot: not Markdown, not indexed);
- on_env: wait for the worker's check: the build stops here with every problem of the data, before
  MkDocs writes anything; the feeds and the table get their contents; the dataset's as-of date,
  last change and feed for the theme templates (overrides/);
- on_post_build: the briefs and downloads, copied in once the worker has made them (it renders the
  PDFs while MkDocs writes the pages and the search index);
- on_serve: ``make serve`` looks at the edited files every 0.1 s instead of every 0.5 s.

Generated pages carry ``render_macros: false`` in their front matter, so mkdocs-macros leaves
them alone (their text comes from the data, escaped by ``render.esc``).

The same hooks run under ProperDocs (``ENGINE=properdocs``), which maps ``mkdocs.*`` to its own modules.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402
from mkdocs.structure.files import File, Files, InclusionLevel  # noqa: E402

from shandong import ROOT, cards, feeds, history, prebuild, render  # noqa: E402
from shandong.check import DataError  # noqa: E402
from shandong.site import ARTIFACTS, artifact_names, artifacts_key, data_dir_in_use  # noqa: E402


@event_priority(100)  # before the other plugins: the data's problems stop the build first
def on_config(config):
    job = prebuild.start(data_dir_in_use(), config.site_url or "", repository(config),
                         [Path(config.docs_dir), ROOT / "templates"])
    render.take_svgs()  # a new build: forget the charts of the last one (make serve)
    try:
        job.load()
    except DataError as exc:
        prebuild.end()
        raise PluginError(f"the data has problems; fix them (make check lists them):\n{exc}") from None
    if not any(isinstance(x, cards.CardsExtension) for x in config.markdown_extensions):
        config.markdown_extensions.append(cards.CardsExtension())
    repo = repository(config)
    if repo and not config.edit_uri:  # Material's edit button on the hand-written pages of docs/
        config.edit_uri = repo.edit(f"{Path(config.docs_dir).name}/")
    return config


def repository(config) -> render.Repo | None:
    """``extra.repository`` / ``extra.branch`` of mkdocs.yml (REPO_URL / REPO_BRANCH), if set."""
    url = (config.extra or {}).get("repository")
    return render.Repo(url, (config.extra or {}).get("branch") or "main") if url else None


LAST = ("data.md",)  # read after the generated pages: its macro lists the downloads' sizes (made by the worker)


@event_priority(100)  # before plugins that record the file list (htmlproofer)
def on_files(files: Files, config) -> Files:
    job = prebuild.current()
    model = job.model
    for src_uri in render.page_paths(model):
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(f"docs/{src_uri} would hide a generated page: remove it")
        # Outside the navigation on purpose (the index pages list them): MkDocs then does not list them
        # as "not included in the nav" on every build. The worker's Markdown comes in on_page_read_source.
        files.append(File.generated(config, src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV))
    for src_uri in [*feeds.paths(model), prebuild.VARIANTS]:  # their contents: on_env
        files.append(File.generated(config, src_uri, content=""))
    # Briefs (HTML + PDF) and downloads, made by the worker into the artifacts cache: registered now (pages
    # link to them), empty until on_post_build copies them in, so that MkDocs writes the pages meanwhile.
    job.folder = ARTIFACTS / artifacts_key(config.site_url or "")
    job.artifact_files = [File.generated(config, rel, content=b"") for rel in artifact_names(model)]
    for file in job.artifact_files:
        files.append(file)
    for src_uri in LAST:
        if (late := files.get_file_from_path(src_uri)) is not None:
            files.remove(late)
            files.append(late)
    return files


def on_page_read_source(page, config):
    text = prebuild.current().page(page.file.src_uri)
    if text is not None:
        page.file.content_string = text
    return text


@event_priority(100)  # before htmlproofer reads the page
def on_post_page(output, page, config):
    """The charts' SVG in place of their slots (render.svg_slot), after Markdown and the search index."""
    return prebuild.current().fill_svgs(output)


def on_env(env, config, files):
    """Wait for the worker (the data's problems stop the build here, before anything is written); then
    what overrides/ shows on every page: the as-of date (data), the last change (git), the feed."""
    job = prebuild.current()
    try:
        contents = job.extra_files()
    except DataError as exc:
        raise PluginError(f"the data has problems; fix them (make check lists them):\n{exc}") from None
    for src_uri, text in contents.items():
        files.get_file_from_path(src_uri).content_string = text
    model = job.model
    changed = history.last_changed(data_dir_in_use())
    env.globals.update(ds_as_of=model.as_of.isoformat(), ds_reviewed_by=model.reviewed_by,
                       ds_last_changed=changed.isoformat() if changed else "", ds_site_feed=feeds.SITE_FEED)
    return env


def on_post_build(config):
    """The briefs and downloads, once the worker has made them (it renders PDFs while MkDocs writes pages)."""
    job = prebuild.current()
    try:
        folder = job.artifacts()
        if folder != job.folder:  # the data changed between on_files and the worker's reading it
            raise PluginError(f"the data changed while the site was being built ({folder.name} ≠ {job.folder.name}); build again")
        for file in job.artifact_files:
            shutil.copyfile(folder / file.src_uri, file.abs_dest_path)
    finally:
        prebuild.end()


SERVE_POLL_S = 0.1  # make serve: how often the watched data/, templates/ and scripts/ are looked at


def on_serve(server, config, builder):
    """``make serve`` notices a saved data file within 0.1 s instead of MkDocs' 0.5 s (its file watcher
    polls). MkDocs has no setting for it: the watcher (watchdog's PollingObserver) gives each folder
    watched from now on (``watch:`` of mkdocs.yml: data/, templates/, scripts/) its own interval, which
    is read when the folder is added. Where that attribute is not there (another watchdog), nothing
    changes. Polling those few dozen files ten times a second costs nothing measurable."""
    if isinstance(getattr(server.observer, "_timeout", None), (int, float)):
        server.observer._timeout = min(server.observer._timeout, SERVE_POLL_S)
    return server


def on_build_error(error):
    prebuild.end()
