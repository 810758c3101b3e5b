"""'Edit this' links: every task, measure and agency page links to its record in the repository,
at the line the loader recorded. The hand-written pages have no edit button: their source is a template
of macros, not what a reader sees (CONTRIBUTING.md says where to change them)."""
from __future__ import annotations

import functools
import re

import pytest

from shandong import ROOT
from shandong.config import Repo, Settings
from shandong.views.pages import PageContext, pages
from sitetools import TEST_REPO, data_docs, data_model, page, soup

REPO = Repo("https://git.example/owner/site", "trunk")
VIEW = re.compile(r"^https://git\.example/owner/site/blob/trunk/(?P<file>data/[\w/.-]+\.yaml)#L(?P<line>\d+)$")


@functools.cache
def expected_records() -> list[tuple[str, str, int, str]]:
    """(page source path, file, line, the text that starts the record there) from the loader's positions."""
    DOCS = data_docs()
    out = []
    for i, rec in enumerate(DOCS["tasks"].data["tasks"]):
        out.append((f"tasks/{rec['number']}.md", "data/plan/tasks.yaml", DOCS["tasks"].where(("tasks", i))[0], f"- number: {rec['number']}"))
    for i, rec in enumerate(DOCS["measures"].data["measures"]):
        out.append((f"measures/{rec['id']}.md", "data/action-2020/measures.yaml", DOCS["measures"].where(("measures", i))[0], f"- id: {rec['id']}"))
    for i, rec in enumerate(DOCS["agencies"].data["agencies"]):
        out.append((f"agencies/{rec['id']}.md", "data/agencies.yaml", DOCS["agencies"].where(("agencies", i))[0], f"- id: {rec['id']}"))
    return out


def test_every_record_page_links_to_its_file_and_line():
    MODEL = data_model()
    made = pages(MODEL, PageContext(repo=REPO))
    assert len(expected_records()) == len(MODEL.tasks) + len(MODEL.measures) + len(MODEL.agencies)
    for path, file, line, _start in expected_records():
        views = [m.groupdict() for m in map(VIEW.match, re.findall(r'href="([^"]+)"', made[path])) if m]
        assert views == [{"file": file, "line": str(line)}], path
        assert f'href="https://git.example/owner/site/edit/trunk/{file}"' in made[path], path
        assert f"第 {line} 行" in made[path]


def test_the_linked_line_is_where_the_record_starts_in_the_file():
    """Independent of the loader: the line holds the record's first field, as an editor sees it."""
    for _path, file, line, start in expected_records():
        text = (ROOT / file).read_text(encoding="utf-8").splitlines()
        assert text[line - 1].strip() == start, (file, line)


def test_without_a_repository_there_are_no_edit_links():
    made = pages(data_model(), PageContext(repo=None))
    assert not any("ds-edit" in text for text in made.values())


def test_repository_comes_from_the_environment(monkeypatch):
    monkeypatch.setattr("shandong.config._origin", lambda: "")
    assert Settings.from_env({"REPO_URL": "https://github.com/o/r", "REPO_BRANCH": "trunk"}).repo == Repo("https://github.com/o/r", "trunk")
    assert Settings.from_env({"REPO_URL": "https://github.com/o/r"}).repo == Repo("https://github.com/o/r", "main")
    assert Settings.from_env({}).repo is None  # no address invented: no edit links
    monkeypatch.setattr("shandong.config._origin", lambda: "https://github.com/fork/site")
    assert Settings.from_env({}).repo == Repo("https://github.com/fork/site", "main")
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert not re.search(r"^repo_url:", text, re.M), "repo_url makes Material call api.github.com from readers' browsers"


# ---------------------------------------------------------------------------
# In the built site (a sample of pages; the same links, through MkDocs)


@pytest.mark.build
def test_built_pages_link_to_their_records():
    from sitetools import built_site

    MODEL = data_model()
    site = built_site()
    repo = Repo(TEST_REPO)
    by_path = {path: (file, line) for path, file, line, _start in expected_records()}
    sample = ["tasks/1.md", "tasks/13.md", f"tasks/{MODEL.tasks[-1].number}.md", "measures/m1-1-1.md",
              f"measures/{MODEL.measures[-1].id}.md", "agencies/big-data-bureau.md", f"agencies/{list(MODEL.agencies)[-1]}.md"]
    for path in sample:
        file, line = by_path[path]
        doc = page(site, path.removesuffix(".md") + "/")
        [view] = doc.select("p.ds-edit a.ds-edit-view")
        [edit] = doc.select("p.ds-edit a.ds-edit-edit")
        assert view["href"] == repo.view(file, line), path
        assert edit["href"] == repo.edit(file), path


@pytest.mark.build
def test_no_page_has_materials_edit_button():
    """Material's pencil would open docs/*.md, a template of macros ({{ partial(...) }}), or a generated file."""
    from sitetools import built_site

    site = built_site()
    for html in sorted(site.rglob("*.html")):
        if html.parts[-2] != "briefs":
            assert not soup(html).select("a.md-content__button[rel=edit], a[title='编辑此页']"), html
