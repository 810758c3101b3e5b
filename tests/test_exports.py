"""Open-data downloads: every file round-trips to the data, record by record."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from pathlib import Path

import jsonschema
import openpyxl
import pytest
import yaml
from referencing import Registry, Resource

from shandong.config import DATA, FILES
from shandong.data.check import check
from shandong.data.model import STATUSES, build_model
from shandong.outputs.downloads import JSON_NAME, JSON_SCHEMA_NAME, LIST_SEP, NAME_SEP, XLSX_NAME, write_downloads
from shandong.outputs.downloads.tables import csv_bytes, tables
from shandong.outputs.downloads.xlsx import FIXED_DATE, display_width, xlsx_bytes

HOSTILE = "<script>alert(1)</script>&\"'甲局"
HOSTILE_THEME = "主题<i>&\"'"
HOSTILE_SOURCE = "<b>来源</b>&\"'=cmd|' /C calc'!A0"
HOSTILE_SUMMARY = "=1+1 <img src=x onerror=alert(1)> 已完成&"
HOSTILE_REVIEWER = "编辑<组>&"


def tiny_data_dir(root: Path) -> Path:
    """A small valid data folder whose names and texts contain markup characters."""
    def dump(rel: str, value) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(value, allow_unicode=True, sort_keys=False), encoding="utf-8")

    dump("agencies.yaml", {"agencies": [
        {"id": "alpha", "name": HOSTILE, "short": HOSTILE, "en": "Alpha <b>&", "kind": "provincial-department", "aliases": ["甲局"]},
        {"id": "beta", "name": "山东省乙厅", "short": "乙厅", "en": "Beta", "kind": "provincial-department", "aliases": ["乙厅"]},
        {"id": "cities", "name": "各市政府", "short": "各市政府", "en": "All cities", "kind": "collective", "aliases": ["各市政府"]},
    ], "compound_names": []})
    dump("themes.yaml", {"themes": [
        {"id": "one", "name": HOSTILE_THEME, "en": "One <&>", "description": "说明<&>", "description_en": "d"},
        {"id": "two", "name": "第二", "en": "Two", "description": "说明", "description_en": "d"},
    ]})
    dump("plan/tasks.yaml", {"document": {"title": "任务分工", "source": "x.txt", "period": {"start": 2018, "end": 2022}}, "tasks": [
        {"number": 1, "text": "做<好>&“事”", "title": "做<好>&“事”", "units_as_written": "甲局、乙厅、各市政府", "units": ["alpha", "beta", "cities"],
         "schedule": {"as_written": "持续推进", "kind": "ongoing"}, "theme": "one"},
        {"number": 2, "text": "再做一件", "title": "再做一件", "units_as_written": "乙厅", "units": ["beta"],
         "schedule": {"as_written": "2020年完成", "kind": "complete", "year": 2020}, "theme": "two"},
    ]})
    dump("action-2020/measures.yaml", {
        "document": {"title": "行动方案", "source": "y.txt", "year": 2020}, "preamble": "前言。",
        "sections": [{"number": 1, "heading": "部分<一>", "theme": "one", "subsections": [{"number": 1, "heading": "小节&"}]}],
        "measures": [{"id": "m1-1-1", "section": 1, "subsection": 1, "text": "年底前建成<10>个平台&\"'。", "title": "建成<10>个平台&\"'",
                      "attribution": "甲局牵头，乙厅配合", "lead": ["alpha"], "support": ["beta"],
                      "deadline": {"date": "2020-12-31", "as_written": "年底前"},
                      "targets": [{"text": "建成<10>个平台", "metric": "平台", "value": 10, "unit": "个", "due": "2020-12-31", "due_as_written": "年底前"}],
                      "related_tasks": [1]}],
    })
    dump("sources.yaml", {"sources": [
        {"id": "s1", "title": HOSTILE_SOURCE, "issuer": HOSTILE, "date": "2020-07-01", "url": "https://example.org/?a=1&b=<2>", "kind": "news"},
    ]})
    dump("progress.yaml", {"reviewed": {"date": "2021-01-01", "by": HOSTILE_REVIEWER}, "reports": [
        {"item": "m1-1-1", "as_of": "2020-06-30", "status": "completed", "summary": HOSTILE_SUMMARY,
         "evidence": [{"source": "s1", "locator": "第<1>页&"}],
         "values": [{"target": "建成<10>个平台", "value": 5, "unit": "个", "as_of": "2020-06-30"}]},
    ]})
    return root


def load(data_dir=None):
    docs, problems = check(data_dir) if data_dir else check()
    assert not problems, problems
    return docs, build_model(docs)


PROGRESS_DATA = Path(__file__).parent / "fixtures" / "progress-data"


@pytest.fixture(scope="module")
def real():
    return load()


@pytest.fixture(scope="module")
def written(real, tmp_path_factory):
    docs, model = real
    out = tmp_path_factory.mktemp("data")
    return out, write_downloads(model, docs, out)


@pytest.fixture(scope="module")
def progress():
    """The fixture dataset with progress reports (every status, several reports per item, target values)."""
    return load(PROGRESS_DATA)


@pytest.fixture(scope="module")
def progress_written(progress, tmp_path_factory):
    docs, model = progress
    out = tmp_path_factory.mktemp("progress-data")
    return out, write_downloads(model, docs, out)


@pytest.fixture(scope="module", params=["real", "progress"])
def any_written(request):
    """The downloads of the real data and of the progress fixture, for the checks that hold for both."""
    return request.getfixturevalue("written" if request.param == "real" else "progress_written")


def read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def split(cell: str, sep: str) -> list[str]:
    return cell.split(sep) if cell else []


# ---------------------------------------------------------------------------


def test_metadata_describes_every_file(any_written):
    out, meta = any_written
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert sorted(m["path"] for m in meta) == on_disk
    for m in meta:
        assert m["bytes"] == (out / m["path"]).stat().st_size > 0
        assert m["title"] and m["description"] and m["format"] in {"JSON", "JSON Schema", "CSV", "XLSX"}
        assert m["fields"], m["path"]
        for f in m["fields"]:
            assert f["name"] and f["en"], (m["path"], f)
            if m["format"] != "JSON Schema":
                assert f["zh"], (m["path"], f)


class _TextDates(yaml.SafeLoader):
    """PyYAML's safe loader, but dates stay text (the data writes them as YYYY-MM-DD strings, as the JSON does)."""


_TextDates.yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
                                      for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def test_json_is_the_yaml(written):
    """digital-shandong.json holds the YAML files' values, compared with PyYAML's own reading of the files
    (not with the checker's loader that the export itself uses)."""
    out, _ = written
    data = json.loads((out / JSON_NAME).read_text(encoding="utf-8"))
    raw = {kind: yaml.load((DATA / rel).read_text(encoding="utf-8"), Loader=_TextDates) for kind, (rel, _) in FILES.items()}
    a, th, t, m, p, s = (raw[k] for k in ("agencies", "themes", "tasks", "measures", "progress", "sources"))
    assert data["agencies"] == a["agencies"] and data["compound_names"] == a["compound_names"]
    assert data["themes"] == th["themes"]
    assert data["tasks"] == t["tasks"] and data["documents"]["plan"] == t["document"]
    assert data["measures"] == m["measures"] and data["sections"] == m["sections"]
    assert data["documents"]["action"] == m["document"] and data["preamble"] == m["preamble"]
    assert data["reviewed"] == p["reviewed"] and data["reports"] == p["reports"] and data["sources"] == s["sources"]
    assert set(data) == {"$schema", "documents", "preamble", "themes", "agencies", "compound_names", "tasks", "sections",
                         "measures", "reviewed", "reports", "sources"}


def _validator(schema_dir: Path, name: str):
    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in schema_dir.glob("*.schema.json")}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    for s in schemas.values():
        jsonschema.Draft202012Validator.check_schema(s)
    return jsonschema.Draft202012Validator(schemas[name], registry=registry)


def test_json_validates_against_published_schemas(any_written):
    out, _ = any_written
    schema_dir = out / "schemas"
    assert {p.name for p in schema_dir.iterdir()} == {v[1] for v in FILES.values()} | {JSON_SCHEMA_NAME}
    for _, schema_name in FILES.values():  # the published copies are the checker's schemas
        assert (schema_dir / schema_name).read_bytes() == (Path(__file__).parents[1] / "data/schemas" / schema_name).read_bytes()
    data = json.loads((out / JSON_NAME).read_text(encoding="utf-8"))
    v = _validator(schema_dir, JSON_SCHEMA_NAME)
    assert list(v.iter_errors(data)) == []
    # the references are really followed: a wrong field deep inside is caught
    bad = json.loads(json.dumps(data))
    bad["tasks"][0]["unknown"] = 1
    bad["measures"][0]["deadline"]["date"] = "2020-13-01"
    bad["agencies"][0]["kind"] = "nope"
    bad["reviewed"]["date"] = "27.11.2026"
    want = {("tasks", 0), ("measures", 0, "deadline", "date"), ("agencies", 0, "kind"), ("reviewed", "date")}
    if bad["reports"]:
        bad["reports"][0]["status"] = "done"
        bad["sources"][0]["kind"] = "blog"
        want |= {("reports", 0, "status"), ("sources", 0, "kind")}
    errors = {tuple(e.absolute_path) for e in v.iter_errors(bad)}
    assert want <= errors


def test_csv_has_bom_and_crlf(any_written):
    out, meta = any_written
    for m in meta:
        if m["format"] == "CSV":
            raw = (out / m["path"]).read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf"), m["path"]
            assert raw.count(b"\r\n") >= m["rows"] + 1
            with open(out / m["path"], encoding="utf-8-sig", newline="") as f:
                header, *rows = list(csv.reader(f))
            assert len(rows) == m["rows"]
            assert header == [f["name"] for f in m["fields"]]


def test_tasks_csv(real, written):
    _, model = real
    rows = read_csv(written[0] / "tasks.csv")
    assert len(rows) == len(model.tasks)
    for r, x in zip(rows, model.tasks, strict=True):
        assert int(r["number"]) == x.number and r["text"] == x.text and r["units_as_written"] == x.units_as_written
        assert split(r["units"], LIST_SEP) == x.roles["task"]
        assert split(r["units_short"], NAME_SEP) == [model.agencies[a].short for a in x.roles["task"]]
        assert r["schedule_kind"] == x.deadline_kind and r["schedule_as_written"] == x.deadline_as_written
        assert r["schedule_year"] == (str(x.deadline_year) if x.deadline_year else "")
        assert r["theme"] == x.theme and r["theme_name"] == model.themes[x.theme].name
        assert split(r["related_measures"], LIST_SEP) == [m.id for m in x.related]
        assert r["note"] == (x.note or "")


def test_measures_and_targets_csv(real, written):
    _, model = real
    rows = read_csv(written[0] / "measures.csv")
    assert len(rows) == len(model.measures)
    for r, x in zip(rows, model.measures, strict=True):
        assert r["id"] == x.id and r["text"] == x.text and r["attribution"] == x.units_as_written
        assert int(r["section"]) == x.section.number
        assert r["subsection"] == (str(x.subsection.number) if x.subsection else "")
        assert int(r["ordinal"]) == x.ordinal
        for role in ("lead", "support", "responsible"):
            assert split(r[role], LIST_SEP) == x.roles.get(role, [])
            assert split(r[role + "_short"], NAME_SEP) == [model.agencies[a].short for a in x.roles.get(role, [])]
        assert r["lead_each"] == ("true" if x.lead_each else "false")
        assert split(r["open"], LIST_SEP) == x.open_roles
        assert r["deadline_as_written"] == (x.deadline_as_written or "") and r["deadline_date"][:4] == str(x.deadline_year)
        assert r["theme"] == x.theme and int(r["targets"]) == len(x.targets)
        assert split(r["related_tasks"], LIST_SEP) == [str(t.number) for t in x.related]
    targets = read_csv(written[0] / "targets.csv")
    assert len(targets) == len(model.targets)
    for r, tg in zip(targets, model.targets, strict=True):
        assert r["measure"] == tg.item.id and r["text"] == tg.text and r["metric"] == tg.metric and r["unit"] == tg.unit
        assert float(r["value"]) == tg.value and r["due"] == tg.due
        assert r["value_as_written"] == (tg.value_as_written or "") and r["qualifier"] == (tg.qualifier or "")


def test_measure_deadline_dates_are_the_yaml_dates(real, written):
    docs, _ = real
    rows = read_csv(written[0] / "measures.csv")
    assert [(r["id"], r["deadline_date"]) for r in rows] == [
        (m["id"], m["deadline"]["date"]) for m in docs["measures"].data["measures"]]


def test_sections_csv(real, written):
    _, model = real
    rows = read_csv(written[0] / "sections.csv")
    want = []
    for s in model.sections:
        want.append((str(s.number), "", s.heading, s.theme, str(sum(1 for x in model.measures if x.section is s))))
        want += [(str(s.number), str(u.number), u.heading, s.theme,
                  str(sum(1 for x in model.measures if x.subsection is u))) for u in s.subsections]
    assert [(r["section"], r["subsection"], r["heading"], r["theme"], r["measures"]) for r in rows] == want


def test_agencies_and_themes_csv(real, written):
    _, model = real
    rows = read_csv(written[0] / "agencies.csv")
    assert [r["id"] for r in rows] == list(model.agencies)
    for r in rows:
        a = model.agencies[r["id"]]
        assert (r["name"], r["short"], r["en"], r["kind"], r["note"]) == (a.name, a.short, a.en, a.kind, a.note or "")
        assert split(r["aliases"], NAME_SEP) == a.aliases
        for col, role in [("tasks", "task"), ("lead", "lead"), ("support", "support"), ("responsible", "responsible")]:
            # counted here from the items, not from by_agency
            assert int(r[col]) == sum(1 for x in model.items if a.id in x.roles.get(role, [])), (a.id, role)
        assert int(r["total"]) == sum(1 for x in model.items if a.id in x.units())
    rows = read_csv(written[0] / "themes.csv")
    assert [(r["id"], r["name"], r["en"], r["description"], r["description_en"]) for r in rows] == [
        (t.id, t.name, t.en, t.description, t.description_en) for t in model.themes.values()]
    for r in rows:
        assert int(r["tasks"]) == sum(1 for x in model.tasks if x.theme == r["id"])
        assert int(r["measures"]) == sum(1 for x in model.measures if x.theme == r["id"])


def test_assignments_csv_from_the_yaml(real, written):
    docs, model = real
    rows = read_csv(written[0] / "assignments.csv")
    want = []  # built from the YAML documents directly
    for t in docs["tasks"].data["tasks"]:
        want += [("task", str(t["number"]), u, "task", str(i)) for i, u in enumerate(t["units"], 1)]
    for m in docs["measures"].data["measures"]:
        for role in ("lead", "support", "responsible"):
            want += [("measure", m["id"], u, role, str(i)) for i, u in enumerate(m.get(role, []), 1)]
    assert [(r["item_kind"], r["item_id"], r["unit"], r["role"], r["position"]) for r in rows] == want
    items = {(x.kind, x.id): x for x in model.items}
    for r in rows:
        x = items[(r["item_kind"], r["item_id"])]
        assert r["unit_short"] == model.agencies[r["unit"]].short and r["theme"] == x.theme
        assert r["deadline_kind"] == x.deadline_kind and r["deadline_year"] == (str(x.deadline_year) if x.deadline_year else "")
    assert Counter(r["role"] for r in rows) == Counter(role for x in model.items for role, ids in x.roles.items() for _ in ids)


def test_no_separator_inside_a_name(real):
    """Splitting a cell on the separators gives the names back only if no name contains one."""
    _, model = real
    for a in model.agencies.values():
        for s in [a.short, *a.aliases]:
            assert NAME_SEP not in s and LIST_SEP not in s, s
        assert LIST_SEP not in a.id


def test_xlsx_matches_csv(any_written):
    out, meta = any_written
    wb = openpyxl.load_workbook(out / XLSX_NAME)
    xmeta = next(m for m in meta if m["path"] == XLSX_NAME)
    assert wb.sheetnames == xmeta["sheets"]
    for m in meta:
        if m["format"] != "CSV":
            continue
        name = m["path"].removesuffix(".csv")
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])
        sheet = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        with open(out / m["path"], encoding="utf-8-sig", newline="") as f:
            assert sheet == list(csv.reader(f)), name
        for col in ws.columns:  # widths fit the text, CJK counted double, capped
            letter = col[0].column_letter
            need = max(display_width(str(c.value)) for c in col if c.value is not None)
            assert ws.column_dimensions[letter].width >= min(need, 60)
    readme = wb["说明"]
    documented = {(r[0], r[1]) for r in readme.iter_rows(min_row=2, values_only=True)}
    for m in meta:
        if m["format"] == "CSV":
            for f in m["fields"]:
                assert (m["path"].removesuffix(".csv"), f["name"]) in documented


def test_output_is_deterministic(real, tmp_path, monkeypatch):
    docs, model = real
    a = write_downloads(model, docs, tmp_path / "a")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    b = write_downloads(model, docs, tmp_path / "b")
    assert a == b
    for m in a:
        assert (tmp_path / "a" / m["path"]).read_bytes() == (tmp_path / "b" / m["path"]).read_bytes(), m["path"]
    with zipfile.ZipFile(tmp_path / "a" / XLSX_NAME) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    stamp = FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f">{stamp}</dcterms:modified>" in core and f">{stamp}</dcterms:created>" in core


def test_hostile_text_round_trips(tmp_path):
    docs, model = load(tiny_data_dir(tmp_path / "data"))
    out = tmp_path / "site-data"
    write_downloads(model, docs, out)
    data = json.loads((out / JSON_NAME).read_text(encoding="utf-8"))
    assert data["agencies"][0]["short"] == HOSTILE and data["themes"][0]["name"] == HOSTILE_THEME
    assert list(_validator(out / "schemas", JSON_SCHEMA_NAME).iter_errors(data)) == []
    assert read_csv(out / "agencies.csv")[0]["short"] == HOSTILE
    assert read_csv(out / "tasks.csv")[0]["units_short"] == NAME_SEP.join([HOSTILE, "乙厅", "各市政府"])
    assert read_csv(out / "targets.csv")[0]["text"] == "建成<10>个平台"
    wb = openpyxl.load_workbook(out / XLSX_NAME)
    assert wb["agencies"]["C2"].value == HOSTILE and wb["themes"]["B2"].value == HOSTILE_THEME
    assert read_csv(out / "reports.csv")[0]["summary"] == HOSTILE_SUMMARY
    assert read_csv(out / "sources.csv")[0]["title"] == HOSTILE_SOURCE
    assert read_csv(out / "evidence.csv")[0]["source_title"] == HOSTILE_SOURCE
    assert data["reviewed"]["by"] == HOSTILE_REVIEWER and data["reports"][0]["summary"] == HOSTILE_SUMMARY
    summary = next(c for c in wb["reports"][2] if c.value == HOSTILE_SUMMARY)
    assert summary.data_type == "s"  # text, not a formula
    assert {p.name: p.value for p in wb.custom_doc_props.props}["reviewed_by"] == HOSTILE_REVIEWER


def _unusable(value) -> None:
    """Empty every mapping and list inside ``value``, in place (so that anything still sharing them sees nothing)."""
    if isinstance(value, dict):
        for v in value.values():
            _unusable(v)
        value.clear()
    elif isinstance(value, list):
        for v in value:
            _unusable(v)
        value.clear()


def test_tables_come_from_the_model_alone(tmp_path, monkeypatch):
    """Every CSV/Excel table is built from the model: with the YAML documents emptied after the model
    is built (and no way to load them again), the tables come out byte for byte the same."""
    import shandong.data.check
    import shandong.data.load

    docs, model = load()
    want = {t.name: csv_bytes(t) for t in tables(model)}
    want_xlsx = xlsx_bytes(tables(model), model)
    for doc in docs.values():
        _unusable(doc.data)
        doc.data = None
    def refuse(*a, **k):
        raise AssertionError("the exports read the YAML files again")
    for mod, name in [(shandong.data.load, "load_yaml"), (shandong.data.check, "check"), (shandong.data.check, "load_yaml")]:
        monkeypatch.setattr(mod, name, refuse, raising=False)
    monkeypatch.setenv("SHANDONG_DATA", str(tmp_path / "nowhere"))
    got = tables(model)
    assert [t.name for t in got] == list(want)
    assert {t.name: csv_bytes(t) for t in got} == want
    assert xlsx_bytes(got, model) == want_xlsx



# ---------------------------------------------------------------------------
# Progress reports, evidence, target values and sources: expected rows are built from the YAML
# documents directly (not from the model the exports read).


def _raw(docs):
    p, src, m = docs["progress"].data, docs["sources"].data, docs["measures"].data
    key = {f"task-{t['number']}": ("task", str(t["number"])) for t in docs["tasks"].data["tasks"]}
    key |= {x["id"]: ("measure", x["id"]) for x in m["measures"]}
    targets = {x["id"]: x.get("targets", []) for x in m["measures"]}
    return p, src, key, targets


def test_progress_json_is_the_yaml(progress, progress_written):
    docs, _ = progress
    data = json.loads((progress_written[0] / JSON_NAME).read_text(encoding="utf-8"))
    assert data["reviewed"] == docs["progress"].data["reviewed"]
    assert data["reports"] == docs["progress"].data["reports"] and len(data["reports"]) >= 5
    assert data["sources"] == docs["sources"].data["sources"] and data["sources"]


def test_reports_csv(progress, progress_written):
    docs, _ = progress
    p, _, key, _ = _raw(docs)
    rows = read_csv(progress_written[0] / "reports.csv")
    newest = {}
    for r in p["reports"]:
        newest[r["item"]] = max(newest.get(r["item"], ""), r["as_of"])
    want = sorted((r["item"], *key[r["item"]], r["as_of"], r["status"], r["summary"],
                   LIST_SEP.join(c["source"] for c in r.get("evidence", [])), str(len(r.get("values", []))),
                   "true" if r["as_of"] == newest[r["item"]] else "false") for r in p["reports"])
    got = [(r["item"], r["item_kind"], r["item_id"], r["report_as_of"], r["status"], r["summary"], r["sources"], r["values"],
            r["current"]) for r in rows]
    assert sorted(got) == want
    assert [r["report_as_of"] for r in rows] == sorted((r["report_as_of"] for r in rows), reverse=True)  # newest first
    assert {r["status"] for r in rows} == set(STATUSES)  # the fixture uses every status
    for r in rows:
        assert r["status_name"] == STATUSES[r["status"]][0]


def test_evidence_csv(progress, progress_written):
    docs, _ = progress
    p, src, _, _ = _raw(docs)
    titles = {x["id"]: x["title"] for x in src["sources"]}
    want = sorted((r["item"], r["as_of"], str(i), c["source"], titles[c["source"]], c.get("locator", ""))
                  for r in p["reports"] for i, c in enumerate(r.get("evidence", []), 1))
    rows = read_csv(progress_written[0] / "evidence.csv")
    assert sorted((r["item"], r["report_as_of"], r["position"], r["source"], r["source_title"], r["locator"]) for r in rows) == want
    assert any(not r["locator"] for r in rows) and any(r["locator"] for r in rows)


def test_target_values_csv(progress, progress_written):
    docs, _ = progress
    p, _, _, targets = _raw(docs)
    want = []
    for r in p["reports"]:
        for v in r.get("values", []):
            [(pos, goal)] = [(j, t["value"]) for j, t in enumerate(targets[r["item"]], 1) if t["text"] == v["target"]]
            want.append((r["item"], r["as_of"], pos, v["target"], goal, v["value"], v["unit"], v["as_of"]))
    rows = read_csv(progress_written[0] / "target_values.csv")
    got = [(r["item"], r["report_as_of"], int(r["target_position"]), r["target"], float(r["target_value"]), float(r["value"]),
            r["unit"], r["as_of"]) for r in rows]
    assert sorted(got) == sorted(want) and len(want) >= 4
    for r in rows:
        assert float(r["progress"]) == pytest.approx(float(r["value"]) / float(r["target_value"]), abs=1e-4)
    # the positions are those of targets.csv
    targets_csv = {(r["measure"], r["position"]): r["text"] for r in read_csv(progress_written[0] / "targets.csv")}
    assert all(targets_csv[(r["item"], r["target_position"])] == r["target"] for r in rows)


def test_sources_csv(progress, progress_written):
    docs, _ = progress
    p, src, _, _ = _raw(docs)
    cited = Counter(c["source"] for r in p["reports"] for c in r.get("evidence", []))
    rows = read_csv(progress_written[0] / "sources.csv")
    assert [(r["id"], r["title"], r["issuer"], r["date"], r["url"], r["doc_number"], r["kind"], int(r["cited"])) for r in rows] == [
        (x["id"], x["title"], x["issuer"], x["date"], x.get("url", ""), x.get("doc_number", ""), x["kind"], cited[x["id"]])
        for x in src["sources"]]
    kinds = json.loads((Path(__file__).parents[1] / "data/schemas/sources.schema.json").read_text(encoding="utf-8"))
    kinds = kinds["$defs"]["source"]["properties"]["kind"]["enum"]
    meta = next(m for m in progress_written[1] if m["path"] == "sources.csv")
    kind_field = next(f for f in meta["fields"] if f["name"] == "kind")
    assert all(k in kind_field["zh"] and k in kind_field["en"] for k in kinds)


def test_real_data_has_no_reports_but_the_files_exist(real, written):
    _, model = real
    assert model.reports == []  # the real data ships with none
    out, meta = written
    by_path = {m["path"]: m for m in meta}
    for name in ("reports", "evidence", "target_values", "sources"):
        m = by_path[f"{name}.csv"]
        assert m["rows"] == 0
        with open(out / m["path"], encoding="utf-8-sig", newline="") as f:
            assert list(csv.reader(f)) == [[fld["name"] for fld in m["fields"]]]
        ws = openpyxl.load_workbook(out / XLSX_NAME)[name]
        assert [[c.value for c in row] for row in ws.iter_rows()] == [[fld["name"] for fld in m["fields"]]]


@pytest.mark.parametrize("which", ["real", "progress"])
def test_every_download_carries_the_as_of_date(which, request):
    docs, _ = request.getfixturevalue(which)
    out, meta = request.getfixturevalue("written" if which == "real" else "progress_written")
    reviewed = docs["progress"].data["reviewed"]  # from the YAML, not the model
    assert all((m["as_of"], m["reviewed_by"]) == (reviewed["date"], reviewed["by"]) for m in meta)
    assert json.loads((out / JSON_NAME).read_text(encoding="utf-8"))["reviewed"]["date"] == reviewed["date"]
    wb = openpyxl.load_workbook(out / XLSX_NAME)
    first = [c.value for c in wb["说明"][2]]
    assert first[1] == "as_of" and f"截至 {reviewed['date']}" in first[2] and reviewed["by"] in first[2]
    assert reviewed["date"] in wb.properties.description
    assert {p.name: p.value for p in wb.custom_doc_props.props} == {"as_of": reviewed["date"], "reviewed_by": reviewed["by"]}


def _downloads_page(model, meta, last_changed: str) -> str:
    import markdown

    from shandong.views.render import render

    md = render("partials/downloads.md.j2", page_path="data.md", m=model, files=meta, last_changed=last_changed)
    html = markdown.markdown(md, extensions=["tables", "attr_list"])
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts = []

        def handle_data(self, data):
            self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return "".join(parser.parts)


def test_downloads_page_real_data(real, written):
    docs, model = real
    date = docs["progress"].data["reviewed"]["date"]
    for last_changed in ("", "2026-11-20"):  # no git history / a checkout
        text = _downloads_page(model, written[1], last_changed)
        assert f"数据截至 {date}" in text and "unknown" not in text
        assert ("最后修改于 2026-11-20" in text) == bool(last_changed)
        assert "本站尚未收录任何进展报告" in text


def test_downloads_page_with_reports(progress, progress_written):
    docs, model = progress
    p = docs["progress"].data
    text = _downloads_page(model, progress_written[1], "")
    assert f"数据截至 {p['reviewed']['date']}" in text and "本站尚未收录" not in text
    assert f"共 {len(p['reports'])} 份，涉及 {len({r['item'] for r in p['reports']})} 个任务或措施" in text


@pytest.mark.build
@pytest.mark.parametrize("which", ["real", "progress"])
def test_built_downloads_page(which, request):
    """The published page (site/data/): the as-of date from the data, never 'unknown'; every file linked and present."""
    from sitetools import article, built_site, page

    docs, _ = request.getfixturevalue(which)
    site = built_site(None if which == "real" else PROGRESS_DATA)
    doc = article(page(site, "data/"))
    text = doc.get_text()
    assert f"数据截至 {docs['progress'].data['reviewed']['date']}" in text and "unknown" not in text
    assert ("本站尚未收录任何进展报告" in text) == (not docs["progress"].data["reports"])
    links = {a["href"].removeprefix("../data/") for a in doc.find_all("a", download=True)}
    for name in ("reports.csv", "evidence.csv", "target_values.csv", "sources.csv", JSON_NAME, XLSX_NAME):
        assert name in links and (site / "data" / name).is_file(), name
    rows = read_csv(site / "data" / "reports.csv")
    assert len(rows) == len(docs["progress"].data["reports"])
