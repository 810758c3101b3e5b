"""'Edit this' links: every task, measure and agency page links to its record in the repository,
at the line the loader recorded, and the hand-written pages get Material's edit button."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from shandong import ROOT, render
from shandong.data.check import DATA, check
from shandong.data.model import build_model
from sitetools import page, soup

DOCS, _ = check(DATA)
MODEL = build_model(DOCS)
REPO = render.Repo("https://git.example/owner/site", "trunk")
VIEW = re.compile(r"^https://git\.example/owner/site/blob/trunk/(?P<file>data/[\w/.-]+\.yaml)#L(?P<line>\d+)$")


def expected_records() -> list[tuple[str, str, int, str]]:
    """(page source path, file, line, the text that starts the record there) from the loader's positions."""
    out = []
    for i, rec in enumerate(DOCS["tasks"].data["tasks"]):
        out.append((f"tasks/{rec['number']}.md", "data/plan/tasks.yaml", DOCS["tasks"].where(("tasks", i))[0], f"- number: {rec['number']}"))
    for i, rec in enumerate(DOCS["measures"].data["measures"]):
        out.append((f"measures/{rec['id']}.md", "data/action-2020/measures.yaml", DOCS["measures"].where(("measures", i))[0], f"- id: {rec['id']}"))
    for i, rec in enumerate(DOCS["agencies"].data["agencies"]):
        out.append((f"agencies/{rec['id']}.md", "data/agencies.yaml", DOCS["agencies"].where(("agencies", i))[0], f"- id: {rec['id']}"))
    return out


RECORDS = expected_records()


def test_every_record_page_links_to_its_file_and_line():
    pages = render.pages(MODEL, REPO)
    assert len(RECORDS) == len(MODEL.tasks) + len(MODEL.measures) + len(MODEL.agencies)
    for path, file, line, _start in RECORDS:
        views = [m.groupdict() for m in map(VIEW.match, re.findall(r'href="([^"]+)"', pages[path])) if m]
        assert views == [{"file": file, "line": str(line)}], path
        assert f'href="https://git.example/owner/site/edit/trunk/{file}"' in pages[path], path
        assert f"第 {line} 行" in pages[path]


def test_the_linked_line_is_where_the_record_starts_in_the_file():
    """Independent of the loader: the line holds the record's first field, as an editor sees it."""
    for _path, file, line, start in RECORDS:
        text = (ROOT / file).read_text(encoding="utf-8").splitlines()
        assert text[line - 1].strip() == start, (file, line)


def test_without_a_repository_there_are_no_edit_links():
    pages = render.pages(MODEL)
    assert not any("ds-edit" in text for text in pages.values())


def test_repository_comes_from_mkdocs_yml_and_the_environment():
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^  repository: !ENV \[REPO_URL, \"https://[^\"]+\"\]$", text, re.M)
    assert re.search(r"^  branch: !ENV \[REPO_BRANCH, main\]$", text, re.M)
    assert not re.search(r"^repo_url:", text, re.M), "repo_url makes Material call api.github.com from readers' browsers"


# ---------------------------------------------------------------------------
# In the built site (a sample of pages; the same links, through MkDocs)


def built_repo() -> render.Repo:
    """The repository the test build used: REPO_URL / REPO_BRANCH, else mkdocs.yml's defaults."""
    class Env(yaml.SafeLoader):
        pass

    Env.add_constructor("!ENV", lambda loader, node: os.environ.get(loader.construct_sequence(node)[0]) or loader.construct_sequence(node)[1])
    Env.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    extra = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Env)["extra"]
    return render.Repo(extra["repository"], extra["branch"])


@pytest.mark.build
def test_built_pages_link_to_their_records():
    from sitetools import built_site

    site = built_site()
    repo = built_repo()
    by_path = {path: (file, line) for path, file, line, _start in RECORDS}
    sample = ["tasks/1.md", "tasks/13.md", f"tasks/{MODEL.tasks[-1].number}.md", "measures/m1-1-1.md",
              f"measures/{MODEL.measures[-1].id}.md", "agencies/big-data-bureau.md", f"agencies/{list(MODEL.agencies)[-1]}.md"]
    for path in sample:
        file, line = by_path[path]
        doc = page(site, path.removesuffix(".md") + "/")
        [view] = doc.select("p.ds-edit a.ds-edit-view")
        [edit] = doc.select("p.ds-edit a.ds-edit-edit")
        assert view["href"] == repo.view(file, line), path
        assert edit["href"] == repo.edit(file), path
        assert not doc.select("a.md-content__button[href*='/edit/']"), "no Material edit button for a generated page"


@pytest.mark.build
def test_hand_written_pages_have_materials_edit_button():
    from sitetools import built_site

    site = built_site()
    repo = built_repo()
    for url, src in [("", "index.md"), ("about/", "about.md")]:
        [button] = soup(Path(site / url / "index.html")).select("a.md-content__button[href]")
        assert button["href"] == repo.edit(f"docs/{src}")
