"""Atom feeds (shandong.views.feeds) and the git history behind them (shandong.data.history).

Feeds are parsed with xml.etree; expected report entries come from the fixture YAML
(tests/progress_expect.py); expected change entries are written here, for the commits of
tests/history_repo.py."""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import pytest
import yaml

import history_repo
from progress_expect import ALL_STATES, FIXTURE, ZH, dataset
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
            number, short = dataset().items[key].title.split("：", 1)
            assert e["title"].startswith(f"{number} {short}：")  # 重点任务 1 构建…：按计划推进（截至 …）
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


# ---------------------------------------------------------------------------
# What each commit changed, in a small repository (tests/history_repo.py)

SITE = "https://digital-shandong.test/"


@pytest.fixture(scope="module")
def repo(tmp_path_factory, copy_data) -> history_repo.DataRepo:
    return history_repo.make(tmp_path_factory.mktemp("feeds"), copy_data)


@pytest.fixture(scope="module")
def repo_feeds(repo) -> dict[str, str]:
    return feeds.feeds(data_model(repo.data), SITE, history.changes(repo.data))


def changes_of(xml: str, repo, skip=("initial",)) -> list[tuple[str, str, str]]:
    """(title, link, content) of the data-change entries, but those of the commits in ``skip``."""
    left_out = [repo.commits[s] for s in skip]
    return [(e["title"], e["href"], e["content"]) for e in entries(xml)
            if e["term"] == "data-change" and not any(sha in e["id"] for sha in left_out)]


TASK_12_UNITS = "省农业农村厅、各市政府"
UNIT_REMOVED = (f"重点任务 12 完善农业信息服务：责任单位由“{TASK_12_UNITS}、青岛银保监局”改为“{TASK_12_UNITS}”", f"{SITE}tasks/12/",
                f"责任单位：由“{TASK_12_UNITS}、青岛银保监局”改为“{TASK_12_UNITS}”")
UNIT_ADDED = (f"重点任务 12 完善农业信息服务：责任单位由“{TASK_12_UNITS}”改为“{TASK_12_UNITS}、青岛银保监局”", f"{SITE}tasks/12/",
              f"责任单位：由“{TASK_12_UNITS}”改为“{TASK_12_UNITS}、青岛银保监局”")
RENAME = ("省大数据局：全称由“山东省大数据局”改为“山东省大数据发展局”", f"{SITE}agencies/big-data-bureau/",
          "全称：由“山东省大数据局”改为“山东省大数据发展局”")
SCHEDULE = ("重点任务 12 完善农业信息服务：进度安排由“2020年基本完成”改为“2021年基本完成”；另修改完成年份", f"{SITE}tasks/12/",
            "进度安排：由“2020年基本完成”改为“2021年基本完成”\n完成年份：由“2020”改为“2021”")


def test_site_feed_says_what_changed_in_the_data(repo, repo_feeds):
    xml = repo_feeds[feeds.SITE_FEED]
    assert changes_of(xml, repo) == [UNIT_REMOVED, UNIT_ADDED, RENAME, SCHEDULE]
    es = entries(xml)
    ids = [e["id"] for e in es]
    c = repo.commits
    assert f"{feeds.TAG}:commit:{c['schedule']}:tasks/12" in ids and f"{feeds.TAG}:commit:{c['rename']}:agencies/big-data-bureau" in ids
    # merges, code, comments and layout, source texts: no entry; never a commit message
    for step in ("merge", "code", "layout", "schema"):
        assert not [i for i in ids if c[step] in i], step
    assert not [e for e in es if "developer" in e["title"] + (e["content"] or "") or "Merge" in e["title"]]
    # the report the last commit added is its report's entry, once
    report = [e for e in es if "m1-1-1" in e["id"] and "2026-11-20" in e["id"]]
    assert [(e["id"], e["title"], e["href"]) for e in report] == [
        (f"{feeds.TAG}:report:m1-1-1:2026-11-20", "行动措施 1.1.1 加快政务服务流程再造：按计划推进（截至 2026-11-20）", f"{SITE}measures/m1-1-1/")]


def test_a_commit_of_many_records_is_one_entry_counting_them(repo, repo_feeds):
    y = {rel: yaml.safe_load((repo.data / rel).read_text(encoding="utf-8"))
         for rel in ("plan/tasks.yaml", "action-2020/measures.yaml", "agencies.yaml", "themes.yaml")}
    counts = (f"重点任务 {len(y['plan/tasks.yaml']['tasks'])} 项、行动措施 {len(y['action-2020/measures.yaml']['measures'])} 项、"
              f"单位 {len(y['agencies.yaml']['agencies'])} 个、主题 {len(y['themes.yaml']['themes'])} 个、"
              f"行动方案的部分 {len(y['action-2020/measures.yaml']['sections'])} 个、"
              f"合称写法 {len(y['agencies.yaml']['compound_names'])} 条、其他记录 4 条")
    [first] = [e for e in entries(repo_feeds[feeds.SITE_FEED]) if e["id"] == f"{feeds.TAG}:commit:{repo.commits['initial']}"]
    assert first["title"] == f"数据更新：新增{counts}"
    assert first["href"] == SITE
    lines = first["content"].splitlines()
    assert len(lines) == 7
    tasks = y["plan/tasks.yaml"]["tasks"]
    assert lines[0] == f"新增重点任务（{len(tasks)} 项）：" + "、".join(f"重点任务 {t['number']} {t['title']}" for t in tasks)
    assert lines[3].startswith("新增主题（5 个）：主题“数字政府”、主题“数字经济”、")


def test_agency_feeds_hold_only_that_units_changes(repo, repo_feeds):
    def feed(aid):
        return repo_feeds[f"feeds/agencies/{aid}.atom"]

    # its own record
    assert changes_of(feed("big-data-bureau"), repo) == [RENAME]
    assert ET.fromstring(feed("big-data-bureau")).find(f"{A}title").text == "山东省大数据发展局：进展与数据更新"
    # a unit of task 12 throughout
    assert changes_of(feed("agriculture-rural"), repo) == [UNIT_REMOVED, UNIT_ADDED, SCHEDULE]
    # a unit of task 12 after the one commit and before the other only
    assert changes_of(feed("cbirc-qingdao"), repo) == [UNIT_REMOVED, UNIT_ADDED]
    # a unit of neither
    assert changes_of(feed("education"), repo) == []
    # the initial commit: the unit's own record and its one item (a measure it supports)
    first = [(t, h) for t, h, _ in changes_of(feed("cbirc-qingdao"), repo, skip=()) if (t, h) not in
             {(t2, h2) for t2, h2, _ in [UNIT_REMOVED, UNIT_ADDED]}]
    assert first == [("新增行动措施 2.2.4 加快智慧服务业发展", f"{SITE}measures/m2-2-4/"), ("新增单位：青岛银保监局", f"{SITE}agencies/cbirc-qingdao/")]


def test_entry_ids_are_the_commit_and_the_record_and_stable_across_builds(repo, repo_feeds):
    c = repo.commits
    ids = [e["id"] for e in entries(repo_feeds[feeds.SITE_FEED]) if e["term"] == "data-change"]
    assert ids == [f"{feeds.TAG}:commit:{c['unit-removed']}:tasks/12", f"{feeds.TAG}:commit:{c['unit-added']}:tasks/12",
                   f"{feeds.TAG}:commit:{c['rename']}:agencies/big-data-bureau", f"{feeds.TAG}:commit:{c['schedule']}:tasks/12",
                   f"{feeds.TAG}:commit:{c['initial']}"]
    again = feeds.feeds(data_model(repo.data), SITE, history.changes(repo.data))
    for path, xml in repo_feeds.items():
        if path.endswith(".atom"):
            assert [e["id"] for e in entries(again[path])] == [e["id"] for e in entries(xml)], path


def test_without_the_sites_address_entries_have_no_links(repo):
    out = feeds.feeds(data_model(repo.data), "", history.changes(repo.data))
    for path, xml in out.items():
        if path.endswith(".atom"):
            root = ET.fromstring(xml.encode("utf-8"))
            assert root.findall(f".//{A}link") == [], path
            assert [e for e in entries(xml) if e["term"] == "data-change"] or path != feeds.SITE_FEED
    assert UNIT_REMOVED[0] in [e["title"] for e in entries(out[feeds.SITE_FEED])]


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
