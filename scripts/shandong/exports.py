"""Open-data downloads: the whole dataset as JSON (with its JSON Schemas), CSV and Excel.

    from shandong.check import check
    from shandong.model import build_model
    docs, problems = check()            # problems must be empty
    meta = write_downloads(build_model(docs), docs, Path("site/data"))

Everything written under ``out_dir``:

- ``digital-shandong.json``  the whole dataset, field names exactly as in the YAML files;
- ``schemas/*.schema.json``  the four schemas of data/schemas/, plus ``digital-shandong.schema.json``
  for the combined file (it refers to the four by relative ``$ref``);
- ``tasks.csv`` ``measures.csv`` ``sections.csv`` ``targets.csv`` ``agencies.csv`` ``themes.csv``
  ``assignments.csv``  UTF-8 with a byte-order mark (Excel opens it as UTF-8), CRLF line ends;
- ``digital-shandong.xlsx``  one sheet per CSV table plus a 说明 (README) sheet.

Lists inside a CSV/Excel cell: agency **ids** and other ASCII codes are joined with ``;``
(LIST_SEP); Chinese names are joined with ``、`` (NAME_SEP), as the documents write lists.
Output is deterministic: the same data gives the same bytes (the workbook's dates are fixed:
SOURCE_DATE_EPOCH when set, else FIXED_DATE). Engine-independent: nothing here knows MkDocs.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .check import FILES, SCHEMAS
from .load import Document
from .model import DEADLINE_KINDS, KIND_NAMES, ROLE_NAMES, Item, Model

LIST_SEP = ";"  # between ids / codes in one cell
NAME_SEP = "、"  # between Chinese names in one cell
JSON_NAME = "digital-shandong.json"
JSON_SCHEMA_NAME = "digital-shandong.schema.json"
XLSX_NAME = "digital-shandong.xlsx"
FIXED_DATE = dt.datetime(2020, 1, 1)  # workbook created/modified when SOURCE_DATE_EPOCH is unset
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------------------
# The combined JSON file and its schema

# top-level key -> (document kind, JSON pointer into that file's schema, zh, en)
JSON_PARTS: dict[str, tuple[str, str, str, str]] = {
    "documents": ("", "", "两份文件的标题、来源与期限（plan：任务分工；action：2020行动方案）",
                  "The two source documents: title, source file and period (plan: task division; action: 2020 action plan)"),
    "preamble": ("measures", "/properties/preamble", "2020行动方案的前言，原文", "Preamble of the 2020 action plan, verbatim"),
    "themes": ("themes", "/properties/themes", "五个主题（编辑归类）", "The five editorial themes"),
    "agencies": ("agencies", "/properties/agencies", "责任单位登记表：id、全称、简称、英文名、类别、文中写法",
                 "Agency registry: id, full name, short name, English name, kind, spellings seen"),
    "compound_names": ("agencies", "/properties/compound_names", "一次指称多个单位的写法，如“济南、青岛市政府”",
                       "Spellings that name several units at once"),
    "tasks": ("tasks", "/properties/tasks", "《规划》重点任务分工的任务，原文", "The plan's key tasks, verbatim"),
    "sections": ("measures", "/properties/sections", "2020行动方案的部分与小节", "Sections and subsections of the 2020 action plan"),
    "measures": ("measures", "/properties/measures", "2020行动方案的措施，含所属部分/小节编号、牵头/配合/负责单位、目标与期限",
                 "Measures of the 2020 action plan with section/subsection numbers, units by role, targets and deadlines"),
}


def dataset(docs: dict[str, Document]) -> dict[str, Any]:
    """The whole dataset as one JSON-ready value: the YAML documents' values, regrouped, field names unchanged."""
    a, th, t, m = (docs[k].data for k in ("agencies", "themes", "tasks", "measures"))
    return {
        "$schema": f"schemas/{JSON_SCHEMA_NAME}",
        "documents": {"plan": t["document"], "action": m["document"]},
        "preamble": m["preamble"],
        "themes": th["themes"],
        "agencies": a["agencies"],
        "compound_names": a.get("compound_names", []),
        "tasks": t["tasks"],
        "sections": m["sections"],
        "measures": m["measures"],
    }


def combined_schema() -> dict[str, Any]:
    """JSON Schema of ``digital-shandong.json``; every part refers to the published schema of its YAML file."""
    props: dict[str, Any] = {"$schema": {"type": "string", "description": "Where this file's schema is, relative to the file."}}
    for key, (kind, pointer, zh, en) in JSON_PARTS.items():
        if key == "documents":
            props[key] = {
                "type": "object", "required": ["plan", "action"], "additionalProperties": False,
                "description": f"{zh} — {en}",
                "properties": {"plan": {"$ref": f"{FILES['tasks'][1]}#/properties/document"},
                               "action": {"$ref": f"{FILES['measures'][1]}#/properties/document"}},
            }
        else:
            props[key] = {"$ref": f"{FILES[kind][1]}#{pointer}", "description": f"{zh} — {en}"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": JSON_SCHEMA_NAME,
        "title": "数字山东 open data — the whole dataset (digital-shandong.json)",
        "description": "The four YAML data files in one document, field names unchanged. Each part is checked by the "
                       "schema of the file it comes from (same folder): " + ", ".join(v[1] for v in FILES.values()) + ".",
        "type": "object",
        "required": list(JSON_PARTS),
        "additionalProperties": False,
        "properties": props,
    }


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------
# Tables (CSV and Excel sheets)


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    en: str
    get: Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    name: str  # file stem and sheet name
    title: str
    description: str
    columns: list[Column]
    rows: list[Any]  # source records; each column's ``get`` reads one

    def values(self) -> list[list[Any]]:
        return [[c.get(r) for c in self.columns] for r in self.rows]


def _ids(xs) -> str:
    return LIST_SEP.join(str(x) for x in xs or [])


def _names(xs) -> str:
    return NAME_SEP.join(xs or [])


def _bool(x) -> str:
    return "true" if x else "false"


def _num(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _roles_of(model: Model, item: Item) -> list[tuple[str, int, str]]:
    """(role, position in that role's list from 1, agency id) in the document's order."""
    return [(role, i, aid) for role, ids in item.roles.items() for i, aid in enumerate(ids, 1)]


def tables(model: Model, docs: dict[str, Document]) -> list[Table]:
    """Every table written as CSV and as an Excel sheet, in order."""
    ag, th = model.agencies, model.themes
    short = lambda ids: _names(ag[a].short for a in ids or [])  # noqa: E731
    theme_name = lambda tid: th[tid].name  # noqa: E731
    t_data = docs["tasks"].data["tasks"]
    m_data = docs["measures"].data["measures"]
    task_item = {x.number: x for x in model.tasks}
    measure_item = {x.id: x for x in model.measures}

    tasks = Table("tasks", "重点任务 Tasks", "《数字山东发展规划（2018-2022年）》重点任务分工：每行一项任务。", [
        Column("number", "序号", "Task number in the document", lambda r: r["number"]),
        Column("text", "重点工作（原文）", "Task text, verbatim", lambda r: r["text"]),
        Column("units_as_written", "责任单位（原文）", "Responsible units exactly as written", lambda r: r["units_as_written"]),
        Column("units", f"责任单位 id，以“{LIST_SEP}”分隔", f"Responsible unit ids, '{LIST_SEP}'-separated, in the document's order", lambda r: _ids(r["units"])),
        Column("units_short", f"责任单位简称，以“{NAME_SEP}”分隔", f"Short names of the units, '{NAME_SEP}'-separated", lambda r: short(r["units"])),
        Column("schedule_as_written", "进度安排（原文）", "Schedule as written", lambda r: r["schedule"]["as_written"]),
        Column("schedule_kind", "进度类型：ongoing 持续推进 / complete 完成 / basic 基本完成", "Schedule kind: ongoing, complete, basic", lambda r: r["schedule"]["kind"]),
        Column("schedule_year", "完成年份（持续推进为空）", "Year to complete (empty when ongoing)", lambda r: r["schedule"].get("year")),
        Column("theme", "主题 id（编辑归类）", "Theme id (editorial)", lambda r: r["theme"]),
        Column("theme_name", "主题名称", "Theme name", lambda r: theme_name(r["theme"])),
        Column("related_measures", f"相关的2020行动方案措施 id，以“{LIST_SEP}”分隔（编辑判断）", "Related measures of the 2020 plan (editorial)",
               lambda r: _ids(x.id for x in task_item[r["number"]].related)),
        Column("note", "编辑注", "Editorial note", lambda r: r.get("note")),
    ], t_data)

    measures = Table("measures", "行动措施 Measures", "《数字山东2020行动方案》：每行一项措施。", [
        Column("id", "措施 id：m部分-小节-序号", "Measure id: m<section>-<subsection>-<n>", lambda r: r["id"]),
        Column("section", "所属部分编号", "Section number", lambda r: r["section"]),
        Column("subsection", "所属小节编号（无小节为空）", "Subsection number (empty when the section has none)", lambda r: r.get("subsection")),
        Column("ordinal", "在部分/小节中的序号", "Position in its section or subsection", lambda r: measure_item[r["id"]].ordinal),
        Column("text", "措施内容（原文）", "Measure text, verbatim", lambda r: r["text"]),
        Column("attribution", "括注的责任分工（原文）", "Attribution in parentheses, verbatim", lambda r: r["attribution"]),
        Column("lead", f"牵头单位 id，以“{LIST_SEP}”分隔", "Lead unit ids", lambda r: _ids(r.get("lead"))),
        Column("lead_short", f"牵头单位简称，以“{NAME_SEP}”分隔", "Lead units, short names", lambda r: short(r.get("lead"))),
        Column("support", f"配合单位 id，以“{LIST_SEP}”分隔", "Supporting unit ids", lambda r: _ids(r.get("support"))),
        Column("support_short", f"配合单位简称，以“{NAME_SEP}”分隔", "Supporting units, short names", lambda r: short(r.get("support"))),
        Column("responsible", f"按职责分工负责单位 id，以“{LIST_SEP}”分隔", "Responsible unit ids", lambda r: _ids(r.get("responsible"))),
        Column("responsible_short", f"按职责分工负责单位简称，以“{NAME_SEP}”分隔", "Responsible units, short names", lambda r: short(r.get("responsible"))),
        Column("lead_each", "分别牵头（true/false）", "Each lead unit leads its own part (true/false)", lambda r: _bool(r.get("lead_each"))),
        Column("open", f"名单以“等”结尾的角色，以“{LIST_SEP}”分隔", "Roles whose list ends in 等 (others not named)", lambda r: _ids(r.get("open"))),
        Column("deadline_date", "完成期限（YYYY-MM-DD）", "Deadline date", lambda r: r["deadline"]["date"]),
        Column("deadline_as_written", "文中时限用语（年底前/年内；无则为空，期限为方案年度）",
               "Time phrase in the text (empty: none given, the plan's year is assumed)", lambda r: r["deadline"].get("as_written")),
        Column("theme", "主题 id（按所属部分，编辑归类）", "Theme id (from the section, editorial)", lambda r: measure_item[r["id"]].theme),
        Column("theme_name", "主题名称", "Theme name", lambda r: theme_name(measure_item[r["id"]].theme)),
        Column("targets", "量化目标个数（见 targets.csv）", "Number of numeric targets (see targets.csv)", lambda r: len(r.get("targets", []))),
        Column("related_tasks", f"相关的任务分工序号，以“{LIST_SEP}”分隔（编辑判断）", "Related task numbers (editorial)", lambda r: _ids(r.get("related_tasks"))),
        Column("note", "编辑注", "Editorial note", lambda r: r.get("note")),
    ], m_data)

    sec_rows = []
    for s in docs["measures"].data["sections"]:
        sec_rows.append((s, None))
        sec_rows += [(s, sub) for sub in s.get("subsections", [])]
    sections = Table("sections", "部分与小节 Sections", "2020行动方案的部分（subsection 为空的行）及其小节。", [
        Column("section", "部分编号", "Section number", lambda r: r[0]["number"]),
        Column("subsection", "小节编号（部分本身为空）", "Subsection number (empty on the section's own row)", lambda r: r[1]["number"] if r[1] else None),
        Column("heading", "标题（原文）", "Heading, verbatim", lambda r: (r[1] or r[0])["heading"]),
        Column("theme", "主题 id（编辑归类）", "Theme id (editorial)", lambda r: r[0]["theme"]),
        Column("measures", "措施数", "Number of measures", lambda r: sum(
            1 for x in model.measures if x.section.number == r[0]["number"] and (r[1] is None or (x.subsection and x.subsection.number == r[1]["number"])))),
    ], sec_rows)

    tgt_rows = [(rec["id"], j, tg) for rec in m_data for j, tg in enumerate(rec.get("targets", []), 1)]
    targets = Table("targets", "量化目标 Targets", "2020行动方案措施中的数字目标：每行一个目标。", [
        Column("measure", "所属措施 id", "Measure id", lambda r: r[0]),
        Column("position", "在该措施中的序号", "Position within the measure", lambda r: r[1]),
        Column("text", "目标原文", "The words stating the target, verbatim", lambda r: r[2]["text"]),
        Column("metric", "计量对象", "What is counted", lambda r: r[2]["metric"]),
        Column("value", "数值（“万”已换算）", "Value (万 written out as 10000)", lambda r: _num(r[2]["value"])),
        Column("value_as_written", "数值原文写法（与数值不同时）", "Value as written, when it differs", lambda r: r[2].get("value_as_written")),
        Column("unit", "单位", "Unit", lambda r: r[2]["unit"]),
        Column("qualifier", "限定词（不少于、左右……）", "Qualifier as written", lambda r: r[2].get("qualifier")),
        Column("due", "期限（YYYY-MM-DD）", "Due date", lambda r: r[2]["due"]),
        Column("due_as_written", "文中时限用语", "Time phrase in the text", lambda r: r[2].get("due_as_written")),
    ], tgt_rows)

    count = lambda aid, role: model.agency_count(aid, role)  # noqa: E731
    agencies = Table("agencies", "责任单位 Agencies", "责任单位登记表：每行一个单位，附各角色的任务/措施数。", [
        Column("id", "单位 id（稳定，用于网址）", "Stable id, used in URLs", lambda r: r["id"]),
        Column("name", "全称（编辑规范）", "Canonical full name (editorial)", lambda r: r["name"]),
        Column("short", "简称（网站显示）", "Short name shown on the site", lambda r: r["short"]),
        Column("en", "英文名（编辑翻译）", "English name (editorial)", lambda r: r["en"]),
        Column("kind", "类别 id", "Kind id", lambda r: r["kind"]),
        Column("kind_name", "类别", "Kind", lambda r: KIND_NAMES[r["kind"]][0]),
        Column("aliases", f"文中写法，以“{NAME_SEP}”分隔", f"Spellings seen in the documents, '{NAME_SEP}'-separated", lambda r: _names(r["aliases"])),
        Column("tasks", "任务分工中作为责任单位的任务数", "Tasks it is responsible for", lambda r: count(r["id"], "task")),
        Column("lead", "牵头的措施数", "Measures it leads", lambda r: count(r["id"], "lead")),
        Column("support", "配合的措施数", "Measures it supports", lambda r: count(r["id"], "support")),
        Column("responsible", "按职责分工负责的措施数", "Measures it is responsible for", lambda r: count(r["id"], "responsible")),
        Column("total", "合计（任务+措施）", "Total tasks and measures", lambda r: model.agency_total(r["id"])),
        Column("note", "编辑注", "Editorial note", lambda r: r.get("note")),
    ], docs["agencies"].data["agencies"])

    themes = Table("themes", "主题 Themes", "五个主题（编辑归类）及其任务、措施数。", [
        Column("id", "主题 id", "Theme id", lambda r: r["id"]),
        Column("name", "名称", "Name", lambda r: r["name"]),
        Column("en", "英文名", "English name", lambda r: r["en"]),
        Column("description", "说明", "Description (Chinese)", lambda r: r["description"]),
        Column("description_en", "英文说明", "Description (English)", lambda r: r["description_en"]),
        Column("tasks", "任务数", "Number of tasks", lambda r: sum(1 for x in model.by_theme[r["id"]] if x.kind == "task")),
        Column("measures", "措施数", "Number of measures", lambda r: sum(1 for x in model.by_theme[r["id"]] if x.kind == "measure")),
    ], docs["themes"].data["themes"])

    asg_rows = [(item, role, pos, aid) for item in model.items for role, pos, aid in _roles_of(model, item)]
    assignments = Table("assignments", "分工明细 Assignments",
                        "整洁数据：每行一个“任务/措施 × 单位 × 角色”。任务的角色为 task（责任单位）。", [
        Column("item_kind", "类型：task 任务 / measure 措施", "Item kind: task or measure", lambda r: r[0].kind),
        Column("item_id", "任务序号或措施 id", "Task number or measure id", lambda r: r[0].id),
        Column("unit", "单位 id", "Unit id", lambda r: r[3]),
        Column("unit_short", "单位简称", "Unit short name", lambda r: ag[r[3]].short),
        Column("role", "角色：task 责任单位 / lead 牵头 / support 配合 / responsible 按职责分工负责",
               "Role: task, lead, support, responsible", lambda r: r[1]),
        Column("role_name", "角色名称", "Role name", lambda r: ROLE_NAMES[r[1]][0]),
        Column("position", "在该角色名单中的位置（从 1 起，按原文顺序）", "Position in that role's list (from 1, document order)", lambda r: r[2]),
        Column("theme", "主题 id", "Theme id", lambda r: r[0].theme),
        Column("deadline_kind", "期限类型：" + "；".join(f"{k} {v[0]}" for k, v in DEADLINE_KINDS.items()),
               "Deadline kind: " + ", ".join(DEADLINE_KINDS), lambda r: r[0].deadline_kind),
        Column("deadline_year", "期限年份（持续推进为空）", "Deadline year (empty when ongoing)", lambda r: r[0].deadline_year),
        Column("deadline", "期限（原文或说明）", "Deadline as written or explained", lambda r: r[0].deadline_text),
    ], asg_rows)

    return [tasks, measures, sections, targets, agencies, themes, assignments]


def _cell_text(v: Any) -> str:
    return "" if v is None else str(v)


def csv_bytes(table: Table) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.name for c in table.columns])
    for row in table.values():
        w.writerow([_cell_text(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------------------
# Excel


def display_width(text: str) -> int:
    """Columns a text needs in a spreadsheet: CJK and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fixed_date() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
    return FIXED_DATE


MAX_WIDTH = 60  # longer texts wrap


def xlsx_bytes(tabs: list[Table]) -> bytes:
    wb = Workbook()
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    readme = wb.active
    readme.title = "说明"
    readme.append(["sheet", "field", "含义", "meaning"])
    for t in tabs:
        readme.append([t.name, "", t.title + "：" + t.description, ""])
        for c in t.columns:
            readme.append([t.name, c.name, c.zh, c.en])
    readme.append([])
    readme.append(["", "", f"单元格内的 id 以“{LIST_SEP}”分隔，中文名称以“{NAME_SEP}”分隔。",
                   f"Inside a cell, ids are separated by '{LIST_SEP}', Chinese names by '{NAME_SEP}'."])
    sheets = [(readme, None)]
    for t in tabs:
        ws = wb.create_sheet(t.name)
        ws.append([c.name for c in t.columns])
        for row in t.values():
            ws.append(row)
        sheets.append((ws, t))
    for ws, _t in sheets:
        ws.freeze_panes = "A2"
        for cell in ws[1]:
            cell.font = bold
        widths: dict[int, int] = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    widths[cell.column] = max(widths.get(cell.column, 0), display_width(str(cell.value)))
                    if isinstance(cell.value, str) and display_width(cell.value) > MAX_WIDTH:
                        cell.alignment = wrap
        for col, w in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = min(w, MAX_WIDTH) + 2
        if ws.max_row > 1 and ws.title != "说明":
            ws.auto_filter.ref = ws.dimensions
    when = _fixed_date()
    props = wb.properties
    props.creator = "数字山东 open data"
    props.title = "数字山东 · Digital Shandong plan data"
    props.created = when
    props.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue(), when)


def _normalise_zip(data: bytes, when: dt.datetime) -> bytes:
    """Same workbook, same bytes: fixed entry dates and a fixed dcterms:modified (openpyxl stamps 'now')."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


# ---------------------------------------------------------------------------


def _meta(out_dir: Path, path: Path, title: str, fmt: str, description: str, fields: list[dict], **extra) -> dict:
    data = path.read_bytes()
    return {"path": path.relative_to(out_dir).as_posix(), "title": title, "format": fmt, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "description": description, "fields": fields, **extra}


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != data:  # keep mtimes of unchanged files
        path.write_bytes(data)


def write_downloads(model: Model, docs: dict[str, Document], out_dir: Path) -> list[dict]:
    """Write every download under ``out_dir`` and describe each file.

    ``docs`` is the dict returned by ``shandong.check.check()`` (its problems must be empty) and
    ``model`` the model built from it. Returns one dict per file, in the order a download page
    lists them: ``path`` (relative to out_dir, POSIX), ``title``, ``format`` (JSON, JSON Schema, CSV,
    XLSX), ``bytes``, ``sha256``, ``description``, ``fields`` (list of {name, zh, en}) and, for
    tables, ``rows``; for the workbook, ``sheets``.
    """
    out_dir = Path(out_dir)
    out: list[dict] = []

    path = out_dir / JSON_NAME
    _write(path, _json_bytes(dataset(docs)))
    out.append(_meta(out_dir, path, "完整数据集 Whole dataset", "JSON",
                     "四个 YAML 数据文件合为一个 JSON，字段名与 YAML 相同；可用 schemas/ 下的 JSON Schema 校验。"
                     " The four YAML files in one JSON document, same field names; validates against schemas/" + JSON_SCHEMA_NAME + ".",
                     [{"name": "$schema", "zh": "本文件的 JSON Schema 的相对路径", "en": "Relative path of this file's JSON Schema"}]
                     + [{"name": k, "zh": v[2], "en": v[3]} for k, v in JSON_PARTS.items()]))

    path = out_dir / "schemas" / JSON_SCHEMA_NAME
    _write(path, _json_bytes(combined_schema()))
    out.append(_meta(out_dir, path, "完整数据集的 JSON Schema", "JSON Schema",
                     f"{JSON_NAME} 的 JSON Schema（draft 2020-12），各部分引用下列四个 schema。",
                     [{"name": k, "zh": v[2], "en": v[3]} for k, v in JSON_PARTS.items()]))
    for kind, (rel, schema_name) in FILES.items():
        path = out_dir / "schemas" / schema_name
        _write(path, (SCHEMAS / schema_name).read_bytes())
        s = json.loads(path.read_bytes())
        out.append(_meta(out_dir, path, f"{kind} 的 JSON Schema", "JSON Schema",
                         f"data/{rel} 的 JSON Schema（draft 2020-12）：{s.get('title', '')}",
                         [{"name": k, "zh": JSON_PARTS[k][2], "en": JSON_PARTS[k][3]} if k in JSON_PARTS
                          else {"name": k, "zh": "文件的标题、来源与期限", "en": "The document's title, source file and period"}
                          for k in s.get("properties", {})]))

    tabs = tables(model, docs)
    for t in tabs:
        path = out_dir / f"{t.name}.csv"
        _write(path, csv_bytes(t))
        out.append(_meta(out_dir, path, t.title, "CSV",
                         t.description + f" UTF-8（带 BOM），逗号分隔；单元格内 id 以“{LIST_SEP}”、中文名称以“{NAME_SEP}”分隔。",
                         [{"name": c.name, "zh": c.zh, "en": c.en} for c in t.columns], rows=len(t.rows)))

    path = out_dir / XLSX_NAME
    _write(path, xlsx_bytes(tabs))
    out.append(_meta(out_dir, path, "Excel 工作簿 Workbook", "XLSX",
                     "与 CSV 相同的各表，每表一个工作表，另有“说明”工作表列出每个字段的含义。",
                     [{"name": "说明", "zh": "各表字段说明", "en": "README: every field of every sheet"}]
                     + [{"name": t.name, "zh": t.title, "en": t.description} for t in tabs],
                     sheets=["说明"] + [t.name for t in tabs]))
    return out
