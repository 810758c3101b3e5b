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

from shandong.check import FILES, check
from shandong.exports import (
    FIXED_DATE,
    JSON_NAME,
    JSON_SCHEMA_NAME,
    LIST_SEP,
    NAME_SEP,
    XLSX_NAME,
    display_width,
    write_downloads,
)
from shandong.model import build_model

HOSTILE = "<script>alert(1)</script>&\"'甲局"
HOSTILE_THEME = "主题<i>&\"'"


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
        {"number": 1, "text": "做<好>&“事”", "units_as_written": "甲局、乙厅、各市政府", "units": ["alpha", "beta", "cities"],
         "schedule": {"as_written": "持续推进", "kind": "ongoing"}, "theme": "one"},
        {"number": 2, "text": "再做一件", "units_as_written": "乙厅", "units": ["beta"],
         "schedule": {"as_written": "2020年完成", "kind": "complete", "year": 2020}, "theme": "two"},
    ]})
    dump("action-2020/measures.yaml", {
        "document": {"title": "行动方案", "source": "y.txt", "year": 2020}, "preamble": "前言。",
        "sections": [{"number": 1, "heading": "部分<一>", "theme": "one", "subsections": [{"number": 1, "heading": "小节&"}]}],
        "measures": [{"id": "m1-1-1", "section": 1, "subsection": 1, "text": "年底前建成<10>个平台&\"'。",
                      "attribution": "甲局牵头，乙厅配合", "lead": ["alpha"], "support": ["beta"],
                      "deadline": {"date": "2020-12-31", "as_written": "年底前"},
                      "targets": [{"text": "建成<10>个平台", "metric": "平台", "value": 10, "unit": "个", "due": "2020-12-31", "due_as_written": "年底前"}],
                      "related_tasks": [1]}],
    })
    dump("progress.yaml", {"reviewed": {"date": "2026-11-27", "by": "编辑组"}, "reports": []})
    dump("sources.yaml", {"sources": []})
    return root


def load(data_dir=None):
    docs, problems = check(data_dir) if data_dir else check()
    assert not problems, problems
    return docs, build_model(docs)


@pytest.fixture(scope="module")
def real():
    return load()


@pytest.fixture(scope="module")
def written(real, tmp_path_factory):
    docs, model = real
    out = tmp_path_factory.mktemp("data")
    return out, write_downloads(model, docs, out)


def read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def split(cell: str, sep: str) -> list[str]:
    return cell.split(sep) if cell else []


# ---------------------------------------------------------------------------


def test_metadata_describes_every_file(written):
    out, meta = written
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


def test_json_is_the_yaml(real, written):
    docs, model = real
    out, _ = written
    data = json.loads((out / JSON_NAME).read_text(encoding="utf-8"))
    a, th, t, m = (docs[k].data for k in ("agencies", "themes", "tasks", "measures"))
    assert data["agencies"] == a["agencies"] and data["compound_names"] == a["compound_names"]
    assert data["themes"] == th["themes"]
    assert data["tasks"] == t["tasks"] and data["documents"]["plan"] == t["document"]
    assert data["measures"] == m["measures"] and data["sections"] == m["sections"]
    assert data["documents"]["action"] == m["document"] and data["preamble"] == m["preamble"]
    # against the model too: counts, ids, texts, section numbers
    assert [r["number"] for r in data["tasks"]] == [x.number for x in model.tasks]
    assert [r["text"] for r in data["tasks"]] == [x.text for x in model.tasks]
    assert [(r["id"], r["text"], r["section"], r.get("subsection")) for r in data["measures"]] == [
        (x.id, x.text, x.section.number, x.subsection.number if x.subsection else None) for x in model.measures]
    assert [r["id"] for r in data["agencies"]] == list(model.agencies)


def _validator(schema_dir: Path, name: str):
    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in schema_dir.glob("*.schema.json")}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    for s in schemas.values():
        jsonschema.Draft202012Validator.check_schema(s)
    return jsonschema.Draft202012Validator(schemas[name], registry=registry)


def test_json_validates_against_published_schemas(real, written):
    out, _ = written
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
    errors = {tuple(e.absolute_path) for e in v.iter_errors(bad)}
    assert {("tasks", 0), ("measures", 0, "deadline", "date"), ("agencies", 0, "kind")} <= errors


def test_csv_has_bom_and_crlf(written):
    out, meta = written
    for m in meta:
        if m["format"] == "CSV":
            raw = (out / m["path"]).read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf"), m["path"]
            assert raw.count(b"\r\n") >= m["rows"] + 1
            rows = read_csv(out / m["path"])
            assert len(rows) == m["rows"]
            assert list(rows[0]) == [f["name"] for f in m["fields"]]


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


def test_xlsx_matches_csv(written):
    out, meta = written
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
