"""The outcomes part of the model (progress reports, sources, target values, item states),
on the fictional fixture dataset ``tests/fixtures/progress-data/``.

Expected values are read off the fixture's YAML by hand (its comments say which item has what),
not computed with the model's code.
"""
from __future__ import annotations

import filecmp
from datetime import date
from pathlib import Path

import pytest

from shandong.data.check import DATA, check, load_checked
from shandong.data.model import STATES, STATUSES

PD = Path(__file__).parent / "fixtures" / "progress-data"


@pytest.fixture(scope="module")
def model():
    return load_checked(PD)


def test_fixture_is_clean():
    assert check(PD)[1] == []


@pytest.mark.parametrize("rel", ["agencies.yaml", "themes.yaml", "plan/tasks.yaml", "action-2020/measures.yaml"])
def test_fixture_documents_are_copies_of_the_real_data(rel):
    assert filecmp.cmp(PD / rel, DATA / rel, shallow=False), f"copy data/{rel} to {PD / rel} again"


def test_fixture_uses_every_status_and_source_kind(model):
    assert {r.status for r in model.reports} == set(STATUSES)
    assert {s.kind for s in model.sources.values()} == {"policy-document", "government-report", "statistics", "news", "other"}


def test_dataset_as_of(model):
    assert (model.as_of, model.reviewed_by) == (date(2024, 6, 30), "测试编辑组")


def test_reports_newest_first_and_items_histories(model):
    dates = [r.as_of for r in model.reports]
    assert dates == sorted(dates, reverse=True) and len(dates) == 14
    item = {i.key: i for i in model.items}
    assert [(r.as_of, r.status) for r in item["m1-1-1"].reports] == [
        (date(2021, 1, 15), "completed"), (date(2020, 6, 30), "on-track"), (date(2020, 3, 31), "not-started")]
    assert [r.status for r in item["task-12"].reports] == ["delayed", "on-track", "not-started"]
    assert item["m1-1-1"].current.evidence[0].source.title == "（测试用虚构）2021年数字山东建设工作总结"
    assert item["m1-1-1"].current.evidence[0].locator == "第3页"
    assert item["m1-1-1"].current.evidence[1].locator is None
    text = (PD / "progress.yaml").read_text(encoding="utf-8").splitlines()
    line = text.index("    as_of: 2021-01-15")  # the line above it (1-based: this index) is "- item: m1-1-1"
    assert text[line - 1] == "  - item: m1-1-1"
    assert (item["m1-1-1"].current.file, item["m1-1-1"].current.line) == ("data/progress.yaml", line)


def test_item_states(model):
    item = {i.key: i for i in model.items}
    assert [item[k].state for k in ("m1-1-1", "task-12", "task-3", "m2-1-1", "task-1", "m4-1-1")] == [
        "completed", "delayed", "cancelled", "not-started", "on-track", "delayed"]
    # task 32: 2018年完成, no report, reviewed 2024-06-30
    assert (item["task-32"].deadline_date, item["task-32"].deadline_passed, item["task-32"].state) == (
        date(2018, 12, 31), True, "overdue-unreported")
    # task 2: 持续推进, no report
    assert (item["task-2"].deadline_date, item["task-2"].deadline_passed, item["task-2"].state) == (None, False, "no-report")
    assert item["m5-1"].deadline_date == date(2020, 12, 31)


def test_state_counts(model):
    counts = model.state_counts()
    assert list(counts) == list(STATES)
    # items with reports: m1-1-1, task-12, m4-1-1, task-3, m3-3-2, m2-3-1, m2-2-1, m2-1-1, task-1
    assert {k: v for k, v in counts.items() if k in STATUSES} == {
        "completed": 2, "on-track": 3, "delayed": 2, "not-started": 1, "cancelled": 1}
    # 51 tasks, the ongoing ones (持续推进) have no deadline; 43 measures, all due in 2020
    ongoing = (PD / "plan/tasks.yaml").read_text(encoding="utf-8").count("kind: ongoing")
    assert counts["no-report"] == ongoing - 1  # task-1 is ongoing and has a report
    assert counts["overdue-unreported"] == (51 - ongoing - 2) + (43 - 6)  # less task-12, task-3; less 6 measures
    some = [i for i in model.items if i.key in ("task-1", "task-2", "m1-1-1")]
    assert model.state_counts(some) == {**dict.fromkeys(STATES, 0), "on-track": 1, "no-report": 1, "completed": 1}


def test_target_values_and_progress(model):
    t = {x.text: x for x in model.targets}
    g = t["“一链办理”集成服务不少于100项"]
    assert [(v.value, v.as_of) for v in g.values] == [(120, date(2020, 12, 31)), (60, date(2020, 6, 30))]
    assert g.latest.report.as_of == date(2021, 1, 15) and g.progress == pytest.approx(1.2)
    assert t["年底前全省新开通5G基站4万个"].progress == pytest.approx(0.95)
    assert t["支持建设20个左右省级数字经济平台"].progress == pytest.approx(0.6)
    assert t["年底前数字校园建设覆盖率超过90%"].latest.unit == "%"
    assert (t["为小微企业培训万名技术人员"].latest, t["为小微企业培训万名技术人员"].progress) == (None, None)


def test_real_data_items_are_all_unreported():
    model = load_checked()
    assert all(i.reports == [] and i.current is None for i in model.items)
    assert {i.state for i in model.items} == {"overdue-unreported", "no-report"}


# ---------------------------------------------------------------------------
# One definition of each fact (issue 13): from the data where the data has it


def test_item_sources_name_the_documents_as_the_data_titles_them():
    import copy

    from shandong.data.model import build_model

    docs = copy.deepcopy(check(DATA)[0])
    docs["tasks"].data["document"]["title"] = "规划甲"
    docs["measures"].data["document"]["title"] = "方案乙"
    docs["measures"].data["document"]["year"] = 2031
    model = build_model(docs)
    assert model.tasks[11].source == "《规划甲》，序号 12"
    assert model.measures[0].source == "《方案乙》一（一）第 1 项措施"
    assert model.measures[0].source_short == "2031方案 1.1.1"


def test_shared_constants_have_one_definition():
    from shandong.data import model, sources
    from shandong.views import briefs
    from shandong.views.charts import base

    assert briefs.ROLE_ORDER is model.ROLE_ORDER
    assert sources.CN_NUMERALS is model.CN_NUMERALS
    assert base.ROLE_LABELS.keys() == model.ROLE_NAMES.keys()


def test_agencies_by_load_one_order(model):
    from shandong.views import charts

    registry = list(model.agencies)
    ranked = [a.id for a in model.agencies_by_load()]
    # most items first; ties in the registry's order
    assert ranked == sorted(registry, key=lambda a: (-sum(len(v) for v in model.by_agency[a].values()), registry.index(a)))
    assert charts.agencies_by_load(model) == [a for a in ranked if model.by_agency[a]]
