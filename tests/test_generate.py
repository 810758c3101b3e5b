"""The generate step (issue 18): one command writes the whole docs tree, and a rebuild touches only what
changed. Read as a reviewer would: the tree is plain files (``shandong.outputs.generate``)."""
from __future__ import annotations

import pytest
import yaml

from shandong.config import Settings
from shandong.data.check import DataError
from shandong.outputs.generate import config_path, generate


@pytest.fixture
def settings(tmp_path, copy_data) -> Settings:
    return Settings(data_dir=copy_data(tmp_path / "data"), pdf=False)


def test_the_tree_holds_every_output_as_a_file(tmp_path, settings):
    tree = tmp_path / "docs"
    generate(tree, settings)
    data = settings.data_dir
    tasks = yaml.safe_load((data / "plan" / "tasks.yaml").read_text(encoding="utf-8"))["tasks"]
    measures = yaml.safe_load((data / "action-2020" / "measures.yaml").read_text(encoding="utf-8"))["measures"]
    agencies = yaml.safe_load((data / "agencies.yaml").read_text(encoding="utf-8"))["agencies"]
    themes = yaml.safe_load((data / "themes.yaml").read_text(encoding="utf-8"))["themes"]
    expected = ([f"tasks/{t['number']}.md" for t in tasks] + [f"measures/{m['id']}.md" for m in measures]
                + [f"agencies/{a['id']}.md" for a in agencies] + [f"themes/{t['id']}.md" for t in themes]
                + [f"briefs/{a['id']}.html" for a in agencies]
                + ["index.md", "deadlines.md", "targets.md", "about.md", "data.md", "briefs/index.md",  # hand-written and the briefs page
                   "feeds/all.atom", "assets/search/index.json", "assets/search/variants.json",
                   "data/digital-shandong.json", "data/digital-shandong.xlsx", "data/assignments.csv", "search/index.md"])
    missing = [p for p in expected if not (tree / p).is_file()]
    assert missing == []
    # hand-written pages with their macros expanded: no Jinja left for an engine to evaluate
    for page in ["index.md", "deadlines.md", "targets.md", "about.md", "data.md"]:
        text = (tree / page).read_text(encoding="utf-8")
        assert "{{" not in text and "{%" not in text, page
    config = yaml.safe_load(config_path(tree).read_text(encoding="utf-8"))  # JSON, which YAML reads
    assert (config_path(tree).parent / config["INHERIT"]).resolve().name == "mkdocs.yml"
    assert (config_path(tree).parent / config["docs_dir"]).resolve() == tree.resolve()


def test_a_rebuild_writes_only_what_changed(tmp_path, settings):
    tree = tmp_path / "docs"
    first = generate(tree, settings)
    assert len(first.written) == len(first.files)
    before = {p: p.stat().st_mtime_ns for p in tree.rglob("*") if p.is_file()}
    again = generate(tree, settings)
    assert again.written == [] and again.removed == []
    assert {p: p.stat().st_mtime_ns for p in tree.rglob("*") if p.is_file()} == before
    # one unit's English name: its page changes, a task of another unit does not
    agencies = settings.data_dir / "agencies.yaml"
    agencies.write_text(agencies.read_text(encoding="utf-8").replace("Shandong Big Data Bureau", "Shandong Big Data Bureau (edited)", 1),
                        encoding="utf-8")
    edited = generate(tree, settings)
    assert "agencies/big-data-bureau.md" in edited.written
    assert "tasks/12.md" not in edited.written and "agencies/education.md" not in edited.written
    assert len(edited.written) < len(edited.files) / 4


def test_a_file_no_longer_made_is_removed(tmp_path, settings):
    tree = tmp_path / "docs"
    generate(tree, settings)
    stray = tree / "agencies" / "gone.md"
    stray.write_text("# 旧页面\n", encoding="utf-8")
    assert "agencies/gone.md" in generate(tree, settings).removed and not stray.exists()


def test_bad_data_writes_nothing(tmp_path, settings):
    tree = tmp_path / "docs"
    generate(tree, settings)
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    agencies = settings.data_dir / "agencies.yaml"
    agencies.write_text(agencies.read_text(encoding="utf-8").replace("id: big-data-bureau", "id: Big Data Bureau", 1), encoding="utf-8")
    with pytest.raises(DataError) as err:
        generate(tree, settings)
    assert "data/agencies.yaml:" in str(err.value)
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == before


def test_after_the_pdf_step_only_the_briefs_page_is_written_again_as_a_generation_would(tmp_path, copy_data):
    """make site and make serve write the briefs page again once the PDFs exist (their sizes and pages):
    the same bytes as generating the whole tree again, which they no longer do."""
    import json

    from shandong.outputs.generate import BRIEFS, refresh_briefs_page
    from shandong.views import briefs

    settings = Settings(data_dir=copy_data(tmp_path / "data"), pdf=True)
    tree = tmp_path / "docs"
    generated = generate(tree, settings)
    before = (tree / briefs.PAGE).read_bytes()
    # what the PDF step leaves: a PDF made from big-data-bureau's current HTML, and its record
    folder = tree / BRIEFS
    (folder / "big-data-bureau.pdf").write_bytes(b"%PDF-1.7 " + b"x" * 12_345)
    html = (folder / "big-data-bureau.html").read_bytes()
    (folder / briefs.RECORD).write_text(json.dumps({"big-data-bureau": {
        "html": briefs.html_digest(html), "bytes": 12_354, "pages": 3}}), encoding="utf-8")
    assert refresh_briefs_page(tree, generated)
    refreshed = (tree / briefs.PAGE).read_bytes()
    assert refreshed != before and "3 页".encode() in refreshed
    assert not refresh_briefs_page(tree, generated)  # unchanged: not written
    again = generate(tree, settings)
    assert briefs.PAGE not in again.written and (tree / briefs.PAGE).read_bytes() == refreshed


def test_an_edited_template_is_compiled_again_despite_the_template_cache(tmp_path):
    """config.template_cache keeps compiled templates between processes (build/jinja): a template edited
    since must render as edited, in a new process as in this one (the cache is checked against the source)."""
    import shutil

    from shandong.config import BUILD
    from shandong.views import render

    templates = shutil.copytree(render.TEMPLATES, tmp_path / "templates")
    page = templates / "partials" / "themes.md.j2"
    cache = BUILD / "jinja" / "pages"

    def fresh_render() -> str:  # a new environment, as a new process makes: only the file cache is shared
        render.environment.cache_clear()
        try:
            return render.environment(templates).get_template("partials/themes.md.j2").render()
        finally:
            render.environment.cache_clear()

    before = set(cache.iterdir()) if cache.is_dir() else set()
    page.write_text("第一版\n", encoding="utf-8")
    assert fresh_render() == "第一版\n"
    assert set(cache.iterdir()) - before  # its compiled code kept for the next process
    page.write_text("第二版 {{ 1 + 1 }}\n", encoding="utf-8")
    assert fresh_render() == "第二版 2\n"


def test_every_page_leaves_materials_unused_search_index(tmp_path, settings):
    """The header box runs the site's own search; Material's search plugin (enabled so that Material draws
    the box) is told by every page's front matter to leave it out of an index nothing reads. The benchmark's
    baseline undoes it (theme_search_included): a page comes back as it was made."""
    from shandong.outputs.generate import theme_search_included

    tree = tmp_path / "docs"
    generate(tree, settings)
    pages = sorted(tree.rglob("*.md"))
    assert len(pages) > 100
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text.startswith("---\n"), page
        meta = yaml.safe_load(text[4:text.index("\n---\n", 4)])
        assert meta["search"] == {"exclude": True}, page  # a second search key would have replaced it
    # a hand-written page without front matter, one with; a generated page
    assert theme_search_included((tree / "themes" / "index.md").read_text(encoding="utf-8")).startswith("# 主题\n")
    assert theme_search_included((tree / "about.md").read_text(encoding="utf-8")).startswith("---\nhide:\n  - navigation\n---\n")
    assert theme_search_included((tree / "tasks" / "12.md").read_text(encoding="utf-8")).startswith("---\ntitle: ")
