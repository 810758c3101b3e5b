"""Fidelity of data/ to the two source documents kept in data/sources/.

The documents are parsed by ``shandong.sources`` independently of data/; ``compare``
lists every way the YAML differs from what the documents say, so that a
transcription slip (a character of a text, a unit, a schedule, a role) fails a test.
``test_compare_catches_slips`` proves that it does, on altered copies of the data.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from shandong.data import sources
from shandong.data.check import DATA, FILES
from shandong.data.load import load_yaml

CN = "一二三四五六七八九十"
ROLES = ("lead", "support", "responsible")
SCHEDULE = re.compile(r"^(?:(?P<ongoing>持续推进)|(?P<year>\d{4}) ?年(?P<basic>基本)?完成)$")
TIME_PHRASES = ("年底前", "年内")
TASK_ROWS = 51
MEASURES = 43


# ---------------------------------------------------------------------------
# Loading data/ and resolving the documents' spellings through the registry


def load(data_dir: Path) -> tuple[dict[str, Any], list[str]]:
    """The data files as plain values, or the reasons they could not be read."""
    data, errors = {}, []
    for kind, (rel, _schema) in FILES.items():
        doc, problems = load_yaml(Path(data_dir) / rel, f"data/{rel}")
        errors += [str(p) for p in problems]
        data[kind] = doc.data if doc is not None else None
    return data, errors


class Spellings:
    """Every spelling of the registry (name, short, aliases, compound names) -> ids."""

    def __init__(self, agencies: dict):
        self.single: dict[str, str] = {}
        for rec in agencies["agencies"]:
            for s in [rec["name"], rec["short"], *rec["aliases"]]:
                self.single.setdefault(s, rec["id"])
        self.compound: dict[str, list[str]] = {c["text"]: list(c["units"]) for c in agencies["compound_names"]}
        self.used: set[str] = set()  # spellings met while resolving

    def tokens(self, text: str) -> list[str]:
        """Split a list of names at 、, keeping a compound name (济南、青岛市政府) whole."""
        out, pos = [], 0
        longest_first = sorted(self.compound, key=len, reverse=True)
        while pos < len(text):
            end = pos + next((len(c) for c in longest_first if text.startswith(c, pos)
                              and text[pos + len(c): pos + len(c) + 1] in ("", "、")), 0)
            if end == pos:
                end = text.find("、", pos)
                end = len(text) if end < 0 else end
            out.append(text[pos:end])
            pos = end + 1
        return out

    def resolve(self, text: str, where: str, diffs: list[str]) -> list[str]:
        ids = []
        for tok in self.tokens(text):
            if tok in self.compound:
                ids += self.compound[tok]
            elif tok in self.single:
                ids.append(self.single[tok])
            else:
                diffs.append(f"{where}: '{tok}' (in '{text}') is no spelling of the registry")
                continue
            self.used.add(tok)
        return ids


def _diff(diffs: list[str], where: str, field: str, data: Any, source: Any) -> None:
    if data != source:
        diffs.append(f"{where}: {field} differs: data {data!r}, source {source!r}")


# ---------------------------------------------------------------------------
# The comparisons; each appends its differences to ``diffs``


def compare_tasks(data: dict, spell: Spellings, diffs: list[str]) -> None:
    rows = sources.parse_task_division()
    tasks = data["tasks"]["tasks"]
    if len(rows) != TASK_ROWS:
        diffs.append(f"task division: the parser found {len(rows)} rows (expected {TASK_ROWS})")
    _diff(diffs, "tasks", "numbers", [t["number"] for t in tasks], [r.number for r in rows])
    for task, row in zip(tasks, rows, strict=False):
        where = f"task {row.number}"
        _diff(diffs, where, "number", task["number"], row.number)
        _diff(diffs, where, "text", task["text"], row.text)
        _diff(diffs, where, "units_as_written", task["units_as_written"], row.units_text)
        _diff(diffs, where, "units", task["units"], spell.resolve(row.units_text, where, diffs))
        schedule = task["schedule"]
        _diff(diffs, where, "schedule.as_written", schedule["as_written"], row.schedule)
        m = SCHEDULE.match(row.schedule)
        if not m:
            diffs.append(f"{where}: the source schedule '{row.schedule}' has an unknown form")
            continue
        kind = "ongoing" if m["ongoing"] else "basic" if m["basic"] else "complete"
        _diff(diffs, where, "schedule.kind", schedule["kind"], kind)
        _diff(diffs, where, "schedule.year", schedule.get("year"), int(m["year"]) if m["year"] else None)


def source_roles(clauses: list[sources.Clause], spell: Spellings, where: str, diffs: list[str]) -> dict[str, Any]:
    """lead / support / responsible ids, open roles and lead_each, read from the clauses."""
    roles: dict[str, list[str]] = {}
    open_roles: list[str] = []
    for clause in clauses:
        role = clause.role or "responsible"  # 省卫生健康委，济南市政府按职责分工负责: see the measure's note
        roles.setdefault(role, []).extend(spell.resolve("、".join(clause.names), where, diffs))
        if clause.open and role not in open_roles:
            open_roles.append(role)
    return {**{r: roles.get(r) for r in ROLES}, "open": open_roles or None,
            "lead_each": any(c.role_word == "分别牵头" for c in clauses) or None}


def compare_action_plan(data: dict, spell: Spellings, diffs: list[str]) -> None:
    plan = sources.parse_action_plan()
    doc = data["measures"]
    _diff(diffs, "action plan", "preamble", doc["preamble"], plan.preamble)
    _diff(diffs, "action plan", "section numbers", [s["number"] for s in doc["sections"]], [s.number for s in plan.sections])
    for sec, src in zip(doc["sections"], plan.sections, strict=False):
        where = f"section {src.number}"
        _diff(diffs, where, "heading", sec["heading"], src.heading)
        _diff(diffs, where, "subsections", [(s["number"], s["heading"]) for s in sec.get("subsections", [])], src.subsections)

    measures = doc["measures"]
    if len(plan.measures) != MEASURES:
        diffs.append(f"action plan: the parser found {len(plan.measures)} attributions (expected {MEASURES})")
    if len(measures) != len(plan.measures):
        diffs.append(f"action plan: {len(measures)} measures in data, {len(plan.measures)} in the source")
    ordinal: dict[tuple, int] = {}
    for m, src in zip(measures, plan.measures, strict=False):
        key = (src.section, src.subsection)
        ordinal[key] = ordinal.get(key, 0) + 1
        want_id = f"m{src.section}-" + (f"{src.subsection}-" if src.subsection else "") + str(ordinal[key])
        where = f"measure {want_id}"
        _diff(diffs, where, "id", m["id"], want_id)
        _diff(diffs, where, "section", m["section"], src.section)
        _diff(diffs, where, "subsection", m.get("subsection"), src.subsection)
        _diff(diffs, where, "text", m["text"], src.text)
        _diff(diffs, where, "attribution", m["attribution"], src.attribution)
        want = source_roles(src.clauses, spell, where, diffs)
        for field in (*ROLES, "open", "lead_each"):
            _diff(diffs, where, field, m.get(field), want[field])
        compare_time_and_targets(m, src.text, where, diffs)


def _number(written: str) -> float:
    """4万 -> 40000, 万 -> 10000, 100 -> 100."""
    if written.endswith("万"):
        return float(written[:-1] or 1) * 10000
    return float(written)


def compare_time_and_targets(m: dict, text: str, where: str, diffs: list[str]) -> None:
    phrases = [p for p in TIME_PHRASES if p in text]
    _diff(diffs, where, "deadline.as_written", m["deadline"].get("as_written"), phrases[0] if phrases else None)
    for j, t in enumerate(m.get("targets", [])):
        tw = f"{where} › targets[{j}]"
        if t["text"] not in text:
            diffs.append(f"{tw}: text '{t['text']}' is not in the measure's text")
        written = t.get("value_as_written")
        if written is not None:
            if written not in t["text"]:
                diffs.append(f"{tw}: value_as_written '{written}' is not in the target's text '{t['text']}'")
            if _number(written) != t["value"]:
                diffs.append(f"{tw}: value {t['value']} is not the number written '{written}'")
        else:
            digits = f"{t['value']:g}"
            if not re.search(rf"(?<![\d.]){re.escape(digits)}(?![\d.])", t["text"]):
                diffs.append(f"{tw}: value {digits} is not written in the target's text '{t['text']}'")
        for field in ("unit", "qualifier"):
            if t.get(field) is not None and t[field] not in t["text"]:
                diffs.append(f"{tw}: {field} '{t[field]}' is not in the target's text '{t['text']}'")
        if t.get("due_as_written") is not None and t["due_as_written"] not in text:
            diffs.append(f"{tw}: due_as_written '{t['due_as_written']}' is not in the measure's text")


def rebuild_action_plan(doc: dict) -> list[str]:
    """The action plan's lines, written back from the YAML."""
    lines = [doc["preamble"]]
    for sec in doc["sections"]:
        lines.append(f"{CN[sec['number'] - 1]}、{sec['heading']}")
        mine = [m for m in doc["measures"] if m["section"] == sec["number"]]
        body = lambda ms: "".join(f"{m['text']}（{m['attribution']}）" for m in ms)  # noqa: E731
        if sec.get("subsections"):
            for sub in sec["subsections"]:
                ms = [m for m in mine if m.get("subsection") == sub["number"]]
                lines.append(f"（{CN[sub['number'] - 1]}）{sub['heading']}。{body(ms)}")
        else:
            lines.append(body(mine))
    return lines


def rebuild_task_rows(doc: dict) -> list[str]:
    return [f"{t['number']}\t{t['text']}\t{t['units_as_written']}\t{t['schedule']['as_written']}" for t in doc["tasks"]]


TASK_HEADER_LINES = {"", "重点任务分工", "序号\t重点工作\t责任单位\t进度安排"}


def compare_reconstruction(data: dict, diffs: list[str]) -> None:
    """Rebuilt from the YAML, both documents equal their source lines, read raw."""
    raw = [ln.strip("\u3000 ") for ln in sources.ACTION_PLAN.read_text(encoding="utf-8").splitlines()]
    raw = [ln for ln in raw if ln]
    rebuilt = rebuild_action_plan(data["measures"])
    for i, (a, b) in enumerate(zip(rebuilt, raw, strict=False)):
        if a != b:
            diffs.append(f"action plan line {i + 1} rebuilt from the YAML differs from the source:\n  data:   {a}\n  source: {b}")
    _diff(diffs, "action plan", "number of lines rebuilt", len(rebuilt), len(raw))

    lines = sources.TASK_DIVISION.read_text(encoding="utf-8").splitlines()
    rows = [ln for ln in lines if re.match(r"^\d+\t", ln)]
    others = sorted({ln for ln in lines if not re.match(r"^\d+\t", ln)} - TASK_HEADER_LINES)
    if others:
        diffs.append(f"task division: lines that are neither rows nor headers: {others}")
    rebuilt = rebuild_task_rows(data["tasks"])
    for a, b in zip(rebuilt, rows, strict=False):
        if a != b:
            diffs.append(f"task row rebuilt from the YAML differs from the source:\n  data:   {a!r}\n  source: {b!r}")
    _diff(diffs, "task division", "number of rows rebuilt", len(rebuilt), len(rows))


def unit_lists() -> list[str]:
    """Every list of units the documents write: the task cells and the attributions."""
    return [r.units_text for r in sources.parse_task_division()] + [m.attribution for m in sources.parse_action_plan().measures]


def compare_registry(data: dict, spell: Spellings, diffs: list[str]) -> None:
    """Every alias and compound name of the registry is a spelling the documents use.

    An alias counts as used when it is written in some unit list, alone or inside a
    compound name: 青岛市政府 is written only in 济南、青岛市政府, yet it is Qingdao's short name.
    """
    written = unit_lists()
    for rec in data["agencies"]["agencies"]:
        for alias in rec["aliases"]:
            if alias not in spell.used and not any(alias in text for text in written):
                diffs.append(f"agency {rec['id']}: alias '{alias}' is not a spelling of any unit list in the documents")
    for c in data["agencies"]["compound_names"]:
        if c["text"] not in spell.used:
            diffs.append(f"compound name '{c['text']}' is not a spelling of any unit list in the documents")
        _diff(diffs, f"compound name '{c['text']}'", "open", c["open"], "等" in c["text"])


def compare(data_dir: Path = DATA) -> list[str]:
    """Every difference between the data in ``data_dir`` and the source documents."""
    data, errors = load(data_dir)
    if errors:
        return errors
    diffs: list[str] = []
    spell = Spellings(data["agencies"])
    compare_tasks(data, spell, diffs)
    compare_action_plan(data, spell, diffs)
    compare_reconstruction(data, diffs)
    compare_registry(data, spell, diffs)
    return diffs


# ---------------------------------------------------------------------------
# Tests on the real data


@pytest.fixture(scope="module")
def real() -> dict:
    data, errors = load(DATA)
    assert errors == []
    return data


def _run(part: Callable[..., None], *args) -> list[str]:
    diffs: list[str] = []
    part(*args, diffs)
    return diffs


def test_the_documents_parse_as_expected():
    assert [r.number for r in sources.parse_task_division()] == list(range(1, TASK_ROWS + 1))
    plan = sources.parse_action_plan()
    assert len(plan.measures) == MEASURES
    assert [s.number for s in plan.sections] == [1, 2, 3, 4, 5]


def test_tasks_match_the_task_division(real):
    assert _run(compare_tasks, real, Spellings(real["agencies"])) == []


def test_measures_match_the_action_plan(real):
    assert _run(compare_action_plan, real, Spellings(real["agencies"])) == []


def test_documents_rebuilt_from_the_yaml_equal_the_sources(real):
    assert _run(compare_reconstruction, real) == []


def test_every_spelling_in_the_sources_resolves(real):
    spell, diffs = Spellings(real["agencies"]), []
    for row in sources.parse_task_division():
        spell.resolve(row.units_text, f"task {row.number}", diffs)
    for m in sources.parse_action_plan().measures:
        for clause in m.clauses:
            spell.resolve("、".join(clause.names), m.attribution, diffs)
    assert diffs == []


def test_every_alias_is_used_by_the_documents(real):
    spell = Spellings(real["agencies"])
    _run(compare_tasks, real, spell)
    _run(compare_action_plan, real, spell)
    assert _run(compare_registry, real, spell) == []


def test_the_one_clause_without_a_role_word_is_read_as_responsible(real):
    bare = [(m, c) for m in sources.parse_action_plan().measures for c in m.clauses if c.role is None]
    assert [(m.attribution, c.names) for m, c in bare] == [("省卫生健康委，济南市政府按职责分工负责", ["省卫生健康委"])]
    measure = next(x for x in real["measures"]["measures"] if x["attribution"] == bare[0][0].attribution)
    assert measure["responsible"] == ["health-commission", "jinan"]
    assert "lead" not in measure and "support" not in measure
    assert "按职责分工负责" in measure["note"]


def test_compare_finds_nothing_on_the_real_data():
    assert compare(DATA) == []


# ---------------------------------------------------------------------------
# The comparison can fail: slips made in a copy of data/ are reported


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not unique in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


SLIPS = {
    # name: (file, old, new, a difference that must be reported)
    "task text, one character": (
        "plan/tasks.yaml", "培植壮大新一代信息技术产业。", "培植壮大新一代信息技朮产业。", "task 5: text differs"),
    "task units, two swapped": (
        "plan/tasks.yaml", "units: [industry-it, all-city-governments]\n    schedule:\n      as_written: \"持续推进\"\n      kind: ongoing\n    theme: economy  # editorial\n  - number: 7",
        "units: [all-city-governments, industry-it]\n    schedule:\n      as_written: \"持续推进\"\n      kind: ongoing\n    theme: economy  # editorial\n  - number: 7",
        "task 6: units differs"),
    "task schedule year": (
        "plan/tasks.yaml", "as_written: \"2020年基本完成\"\n      year: 2020\n      kind: basic\n    theme: infrastructure",
        "as_written: \"2020年基本完成\"\n      year: 2021\n      kind: basic\n    theme: infrastructure", "task 3: schedule.year differs"),
    "measure attribution, one character": (
        "action-2020/measures.yaml", "attribution: \"省水利厅牵头，各市政府按职责分工负责\"", "attribution: \"省水利厅牵头，各市政府按职责分工负贵\"",
        "measure m4-2-2: attribution differs"),
    "measure role": (
        "action-2020/measures.yaml", "attribution: \"省医保局牵头\"\n    lead: [healthcare-security]",
        "attribution: \"省医保局牵头\"\n    responsible: [healthcare-security]", "measure m3-3-6: lead differs"),
    "preamble": (
        "action-2020/measures.yaml", "持续推进数字山东建设，制定本行动方案。", "持续推进数字山东建设，制订本行动方案。", "action plan: preamble differs"),
    "unused alias": (
        "agencies.yaml", "aliases: [省卫生健康委, 省卫生健康]", "aliases: [省卫生健康委, 省卫生健康, 省卫健委]",
        "agency health-commission: alias '省卫健委' is not a spelling"),
    "target value": (
        "action-2020/measures.yaml", "value: 40000", "value: 4000", "measure m4-1-1 › targets[0]: value 4000 is not the number written '4万'"),
}


@pytest.mark.parametrize("slip", SLIPS, ids=list(SLIPS))
def test_compare_catches_slips(tmp_path, copy_data, slip):
    rel, old, new, expected = SLIPS[slip]
    data_dir = copy_data(tmp_path)
    assert compare(data_dir) == []  # the copy itself is faithful
    edit(data_dir / rel, old, new)
    diffs = compare(data_dir)
    assert any(d.startswith(expected) for d in diffs), diffs


def test_one_character_of_one_task_text_fails(tmp_path, copy_data):
    """The brief's case, spelled out: change one character of task 17's text in a copy."""
    data_dir = copy_data(tmp_path)
    path = data_dir / "plan/tasks.yaml"
    text = path.read_text(encoding="utf-8")
    data, _ = load(DATA)
    original = data["tasks"]["tasks"][16]["text"]
    altered = original[:3] + ("甲" if original[3] != "甲" else "乙") + original[4:]
    path.write_text(text.replace(f'"{original}"', f'"{altered}"', 1), encoding="utf-8")
    diffs = compare(data_dir)
    assert f"task 17: text differs: data {altered!r}, source {original!r}" in diffs
    assert any(d.startswith("task row rebuilt from the YAML differs") for d in diffs)
