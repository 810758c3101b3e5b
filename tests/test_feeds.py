"""Atom feeds (shandong.views.feeds) and the git history behind them (shandong.data.history).

Feeds are parsed with xml.etree; expected entries come from the fixture YAML
(tests/progress_expect.py) and from git itself."""
from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from progress_expect import ALL_STATES, FIXTURE, ROOT, ZH, dataset
from shandong.data import history
from shandong.views import feeds
from sitetools import data_model

A = "{http://www.w3.org/2005/Atom}"


def entries(xml: str) -> list[dict]:
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == f"{A}feed"
    assert root.find(f"{A}id").text and root.find(f"{A}updated").text and root.find(f"{A}title").text
    out = []
    for e in root.findall(f"{A}entry"):
        cat = e.find(f"{A}category")
        link = e.find(f"{A}link")
        out.append({"id": e.find(f"{A}id").text, "title": e.find(f"{A}title").text,
                    "updated": e.find(f"{A}updated").text, "content": e.find(f"{A}content").text,
                    "term": cat.get("term"), "label": cat.get("label"), "href": link.get("href") if link is not None else None})
    return out


def expected_reports(keys) -> set[tuple[str, str, str]]:
    return {(k, str(r["as_of"]), r["status"]) for k in keys for r in dataset().items[k].reports}


def got_reports(es) -> set[tuple[str, str, str]]:
    out = set()
    for e in es:
        if e["term"] != "data-change":
            _, _, key, as_of = e["id"].rsplit(":", 3)
            out.add((key, as_of, e["term"]))
    return out


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def fixture_feeds() -> dict[str, str]:
    return feeds.feeds(data_model(FIXTURE), "https://digital-shandong.test/", history.changes(FIXTURE))


def test_site_feed_has_every_report_with_its_status(fixture_feeds):
    es = entries(fixture_feeds[feeds.SITE_FEED])
    assert got_reports(es) == expected_reports(dataset().items)
    statuses = ALL_STATES[:5]  # the five status words of a report; the last two states have no report
    assert {e["term"] for e in es} == {*statuses, "data-change"} or {e["term"] for e in es} == set(statuses)
    for e in es:
        if e["term"] != "data-change":
            key = e["id"].rsplit(":", 2)[1]
            assert e["label"] == ZH[e["term"]] and ZH[e["term"]] in e["title"]
            assert e["href"] == f"https://digital-shandong.test/{dataset().items[key].url}"
            assert dataset().items[key].title in e["title"]
    dates = [e["updated"] for e in es]
    assert dates == sorted(dates, reverse=True)  # newest first


def test_agency_feeds_hold_their_items_reports(fixture_feeds):
    atom = {p for p in fixture_feeds if p.endswith(".atom")}
    assert atom == {feeds.SITE_FEED} | {f"feeds/agencies/{a}.atom" for a in dataset().agencies}
    for p in set(fixture_feeds) - atom:  # Material fetches sitemap.xml beside each rel=alternate link
        assert p.endswith("/sitemap.xml") and ET.fromstring(fixture_feeds[p]).tag.endswith("urlset")
    for aid in dataset().agencies:
        es = entries(fixture_feeds[f"feeds/agencies/{aid}.atom"])
        assert got_reports(es) == expected_reports(dataset().agency_items(aid)), aid


def test_data_changes_from_git_history(fixture_feeds):
    if not (ROOT / ".git").exists():
        pytest.skip("no git history in this copy")
    commits = git(ROOT, "log", f"-n{history.LIMIT}", "--format=%H", "--", "tests/fixtures/progress-data").split()
    es = [e for e in entries(fixture_feeds[feeds.SITE_FEED]) if e["term"] == "data-change"]
    assert [e["id"].rsplit(":", 1)[1] for e in es] == commits
    subject = git(ROOT, "log", "-1", "--format=%s", commits[0]).strip()
    assert es[0]["title"] == f"数据更新：{subject}"


@pytest.fixture
def repo(tmp_path) -> Path:
    """A git repository whose data/ changes task 12 and adds a report on m1-1-1 in its second commit."""
    data = tmp_path / "data"
    (data / "plan").mkdir(parents=True)
    (data / "plan" / "tasks.yaml").write_text("tasks:\n  - number: 11\n    text: 甲\n  - number: 12\n    text: 乙\n",
                                              encoding="utf-8")
    (data / "progress.yaml").write_text("reports: []\n", encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "first", "--date=2024-01-02T00:00:00Z")
    (data / "plan" / "tasks.yaml").write_text("tasks:\n  - number: 11\n    text: 甲\n  - number: 12\n    text: 乙改\n",
                                              encoding="utf-8")
    (data / "progress.yaml").write_text("reports:\n  - item: m1-1-1\n    status: on-track\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("not data", encoding="utf-8")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "修改任务12，新增进展")
    return data


def test_history_maps_commits_to_items(repo):
    changes = history.changes(repo)
    assert [c.subject for c in changes] == ["修改任务12，新增进展", "first"]
    assert changes[0].items == ["task-12", "m1-1-1"]
    assert set(changes[0].files) == {"plan/tasks.yaml", "progress.yaml"}
    assert changes[1].items == ["task-11", "task-12"]
    head = git(repo.parent, "log", "-1", "--format=%cs").strip()
    assert history.last_changed(repo) == date.fromisoformat(head)


def test_agency_feed_names_the_changed_item(repo):
    out = feeds.feeds(data_model(FIXTURE), "", history.changes(repo))
    task12 = dataset().items["task-12"]
    change = [e for e in entries(out[feeds.SITE_FEED]) if e["title"] == "数据更新：修改任务12，新增进展"]
    assert len(change) == 1 and "重点任务 12" in change[0]["content"] and "行动措施 1.1.1" in change[0]["content"]
    for aid in dataset().agencies:
        es = [e for e in entries(out[f"feeds/agencies/{aid}.atom"]) if e["title"] == "数据更新：修改任务12，新增进展"]
        mine = aid in task12.units["task"] or any(aid in ids for ids in dataset().items["m1-1-1"].units.values())
        assert bool(es) == mine, aid
    # no public address: links are relative to the feed
    assert all(not (e["href"] or "").startswith("http") for e in entries(out[feeds.SITE_FEED]))


def test_without_git_history_the_feeds_hold_reports_only(tmp_path):
    copy = tmp_path / "data"
    copy.mkdir()
    env_before = os.environ.get("GIT_CEILING_DIRECTORIES")
    os.environ["GIT_CEILING_DIRECTORIES"] = str(tmp_path)
    try:
        assert history.changes(copy) == [] and history.last_changed(copy) is None
        out = feeds.feeds(data_model(FIXTURE), "https://example.org/digital-shandong/", history.changes(copy))
    finally:
        if env_before is None:
            os.environ.pop("GIT_CEILING_DIRECTORIES")
        else:
            os.environ["GIT_CEILING_DIRECTORIES"] = env_before
    es = entries(out[feeds.SITE_FEED])
    assert all(e["term"] != "data-change" for e in es)
    assert got_reports(es) == expected_reports(dataset().items)
    assert all("example.org" not in (e["href"] or "") for e in es)  # the placeholder address is never printed


def test_real_data_feed_has_no_reports():
    real = data_model()
    es = entries(feeds.feeds(real, "")[feeds.SITE_FEED])
    assert all(e["term"] == "data-change" for e in es)


@pytest.mark.build
@pytest.mark.slow
def test_built_site_links_its_feeds():
    from sitetools import built_site, page

    site = built_site(FIXTURE)
    es = entries((site / "feeds" / "all.atom").read_text(encoding="utf-8"))
    assert got_reports(es) == expected_reports(dataset().items)
    for url in ["", "tasks/12/", "about/"]:
        links = page(site, url).select('link[rel=alternate][type="application/atom+xml"]')
        assert any(ln["href"].endswith("feeds/all.atom") for ln in links), url


def test_git_failing_inside_a_checkout_is_an_error(tmp_path):
    """A folder in a git checkout whose git fails (here: a broken .git) is not 'no history': the build stops."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "data").mkdir()
    with pytest.raises(history.HistoryError, match="git"):
        history.changes(tmp_path / "data")
    with pytest.raises(history.HistoryError):
        history.last_changed(tmp_path / "data")
