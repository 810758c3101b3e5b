"""The MkDocs glue (``hooks:`` in mkdocs.yml). Kept thin: everything it calls is engine-independent.

- on_config: check the data (the build stops with every problem listed), point
  Material's search at a jieba user dictionary generated from the data, and add the
  Markdown extension that labels table cells for the phone layout (shandong.cards);
- on_files: add the generated pages (agencies, themes, tasks, measures) as virtual files,
  with links to their records in the repository (``extra.repository``; also sets edit_uri),
  the search worker's table of traditional characters (assets/search/variants.json), the
  Atom feeds (feeds.py), and the briefs and downloads of the artifacts cache (``site.artifacts``);
- on_env: the dataset's as-of date, last change and feed for the theme templates (overrides/).

Generated pages carry ``render_macros: false`` in their front matter, so mkdocs-macros leaves
them alone (their text comes from the data, escaped by ``render.esc``).

The same hooks run under ProperDocs (``ENGINE=properdocs``), which maps ``mkdocs.*`` to its own modules.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402

from shandong import ROOT, cards, feeds, history, jieba_dict, render  # noqa: E402
from shandong.check import DataError  # noqa: E402
from shandong.site import PUBLISHED, artifacts, data_dir_in_use, get_model  # noqa: E402

GENERATED_DIRS = ("agencies/", "themes/", "tasks/", "measures/")


@event_priority(100)  # before the search plugin reads its jieba_dict_user
def on_config(config):
    try:
        model = get_model()
    except DataError as exc:
        raise PluginError(f"the data has problems; fix them (make check lists them):\n{exc}") from None
    path = ROOT / "build" / "jieba_user_dict.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = jieba_dict.dictionary(model)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    for name in ("material/search", "search"):
        if name in config.plugins:
            config.plugins[name].config.jieba_dict_user = str(path)
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


@event_priority(100)  # before plugins that record the file list (htmlproofer)
def on_files(files: Files, config) -> Files:
    model = get_model()
    for src_uri, content in render.pages(model, repository(config)).items():
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(f"docs/{src_uri} would hide a generated page: remove it")
        files.append(File.generated(config, src_uri, content=content))
    # The search worker's traditional → simplified table (docs/assets/search/worker.js).
    files.append(File.generated(config, "assets/search/variants.json",
                                content=jieba_dict.variants_json(model, [Path(config.docs_dir), ROOT / "templates"])))
    for src_uri, content in feeds.feeds(model, config.site_url or "").items():
        files.append(File.generated(config, src_uri, content=content))
    # Briefs (HTML + PDF) and downloads, generated outside docs/ and copied into the site.
    folder = artifacts(config.site_url or "")
    for sub in PUBLISHED:
        for path in sorted((folder / sub).rglob("*")):
            if path.is_file():
                rel = path.relative_to(folder).as_posix()
                files.append(File(rel, str(folder), config.site_dir, config.use_directory_urls))
    return files


def on_env(env, config, files):
    """What overrides/ shows on every page: the as-of date (data), the last change (git), the feed."""
    model = get_model()
    changed = history.last_changed(data_dir_in_use())
    env.globals.update(ds_as_of=model.as_of.isoformat(), ds_reviewed_by=model.reviewed_by,
                       ds_last_changed=changed.isoformat() if changed else "", ds_site_feed=feeds.SITE_FEED)
    return env
