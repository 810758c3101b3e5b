"""Open-data downloads: the whole dataset as JSON (with its JSON Schemas), CSV and Excel.

    from shandong.check import check
    from shandong.model import build_model
    docs, problems = check()            # problems must be empty
    meta = write_downloads(build_model(docs), docs, Path("site/data"))

Everything written under ``out_dir``:

- ``digital-shandong.json``  the whole dataset, field names exactly as in the YAML files;
- ``schemas/*.schema.json``  the schemas of data/schemas/, plus ``digital-shandong.schema.json``
  for the combined file (it refers to them by relative ``$ref``);
- ``tasks.csv`` ``measures.csv`` ``sections.csv`` ``targets.csv`` ``agencies.csv`` ``themes.csv``
  ``assignments.csv`` and, for progress, ``reports.csv`` ``evidence.csv`` ``target_values.csv``
  ``sources.csv`` (headers only when there are none)  UTF-8 with a byte-order mark (Excel opens it
  as UTF-8), CRLF line ends;
- ``digital-shandong.xlsx``  one sheet per CSV table plus a 说明 (README) sheet.

The dataset's as-of date (``Model.as_of``, ``reviewed_by``; data/progress.yaml ``reviewed``) is in the
JSON (``reviewed``), in the workbook (说明 sheet, ``description`` and custom property ``as_of``) and in
the metadata of every file.

Two sources, each for one purpose: the JSON file is the YAML documents' values (verbatim, checked by
their schemas); every CSV/Excel table is a view of the model (``tables(model)``: one function per
table, every cell read from ``shandong.model``, never from the YAML documents).

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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .check import FILES, SCHEMAS
from .load import Document
from .model import DEADLINE_KINDS, ROLE_NAMES, STATUSES, Item, Model, Report

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
    "themes": ("themes", "/properties/themes", "主题（编辑归类）", "The editorial themes"),
    "agencies": ("agencies", "/properties/agencies", "责任单位登记表：id、全称、简称、英文名、类别、文中写法",
                 "Agency registry: id, full name, short name, English name, kind, spellings seen"),
    "compound_names": ("agencies", "/properties/compound_names", "一次指称多个单位的写法，如“济南、青岛市政府”",
                       "Spellings that name several units at once"),
    "tasks": ("tasks", "/properties/tasks", "《规划》重点任务分工的任务，原文", "The plan's key tasks, verbatim"),
    "sections": ("measures", "/properties/sections", "2020行动方案的部分与小节", "Sections and subsections of the 2020 action plan"),
    "measures": ("measures", "/properties/measures", "2020行动方案的措施，含所属部分/小节编号、牵头/配合/负责单位、目标与期限",
                 "Measures of the 2020 action plan with section/subsection numbers, units by role, targets and deadlines"),
    "reviewed": ("progress", "/properties/reviewed", "数据截至日期：编辑最后一次审核数据的日期（date）和审核人（by）",
                 "The dataset's as-of date: when the data was last reviewed (date) and by whom (by)"),
    "reports": ("progress", "/properties/reports", "进展报告：事项、截至日期、状态、摘要、证据（来源与位置）、目标的实测值",
                "Progress reports: item, as-of date, status, summary, evidence (source and locator), measured target values"),
    "sources": ("sources", "/properties/sources", "来源登记表：进展报告引用的文件、报告、统计或新闻",
                "Sources cited as evidence by the progress reports"),
}


def dataset(docs: dict[str, Document]) -> dict[str, Any]:
    """The whole dataset as one JSON-ready value: the YAML documents' values, regrouped, field names unchanged."""
    a, th, t, m, p, src = (docs[k].data for k in ("agencies", "themes", "tasks", "measures", "progress", "sources"))
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
        "reviewed": p["reviewed"],
        "reports": p["reports"],
        "sources": src["sources"],
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
        "description": f"The {len(FILES)} YAML data files in one document, field names unchanged. Each part is checked by the "
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


@dataclass(frozen=True)
class Table:
    """One CSV file and one Excel sheet: its columns and its rows (one list of cell values per row).

    Every table is built from the model alone (``shandong.model``), never from the YAML documents:
    the model is the one source of truth of what a row says."""

    name: str  # file stem and sheet name
    title: str
    description: str
    columns: list[Column]
    rows: list[list[Any]]

    def values(self) -> list[list[Any]]:
        return self.rows


def _table(name: str, title: str, description: str, columns: list[Column], rows: list[dict[str, Any]]) -> Table:
    """A table from one dict per row, keyed by column name (every key, in the columns' order)."""
    names = [c.name for c in columns]
    for row in rows:
        if list(row) != names:
            raise ValueError(f"{name}: row keys {list(row)} differ from the columns {names}")
    return Table(name, title, description, columns, [list(row.values()) for row in rows])


def _ids(xs) -> str:
    return LIST_SEP.join(str(x) for x in xs or [])


def _names(xs) -> str:
    return NAME_SEP.join(xs or [])


def _bool(x) -> str:
    return "true" if x else "false"


def _num(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _short(model: Model, ids) -> str:
    return _names(model.agencies[a].short for a in ids or [])


def tasks_table(model: Model) -> Table:
    columns = [
        Column("number", "序号", "Task number in the document"),
        Column("text", "重点工作（原文）", "Task text, verbatim"),
        Column("units_as_written", "责任单位（原文）", "Responsible units exactly as written"),
        Column("units", f"责任单位 id，以“{LIST_SEP}”分隔", f"Responsible unit ids, '{LIST_SEP}'-separated, in the document's order"),
        Column("units_short", f"责任单位简称，以“{NAME_SEP}”分隔", f"Short names of the units, '{NAME_SEP}'-separated"),
        Column("schedule_as_written", "进度安排（原文）", "Schedule as written"),
        Column("schedule_kind", "进度类型：ongoing 持续推进 / complete 完成 / basic 基本完成", "Schedule kind: ongoing, complete, basic"),
        Column("schedule_year", "完成年份（持续推进为空）", "Year to complete (empty when ongoing)"),
        Column("theme", "主题 id（编辑归类）", "Theme id (editorial)"),
        Column("theme_name", "主题名称", "Theme name"),
        Column("related_measures", f"相关的2020行动方案措施 id，以“{LIST_SEP}”分隔（编辑判断）", "Related measures of the 2020 plan (editorial)"),
        Column("note", "编辑注", "Editorial note"),
    ]
    rows = [{
        "number": x.number,
        "text": x.text,
        "units_as_written": x.units_as_written,
        "units": _ids(x.roles["task"]),
        "units_short": _short(model, x.roles["task"]),
        "schedule_as_written": x.deadline_as_written,
        "schedule_kind": x.deadline_kind,
        "schedule_year": x.deadline_year,
        "theme": x.theme,
        "theme_name": model.themes[x.theme].name,
        "related_measures": _ids(m.id for m in x.related),
        "note": x.note,
    } for x in model.tasks]
    return _table("tasks", "重点任务 Tasks", "《数字山东发展规划（2018-2022年）》重点任务分工：每行一项任务。", columns, rows)


def measures_table(model: Model) -> Table:
    columns = [
        Column("id", "措施 id：m部分-小节-序号", "Measure id: m<section>-<subsection>-<n>"),
        Column("section", "所属部分编号", "Section number"),
        Column("subsection", "所属小节编号（无小节为空）", "Subsection number (empty when the section has none)"),
        Column("ordinal", "在部分/小节中的序号", "Position in its section or subsection"),
        Column("text", "措施内容（原文）", "Measure text, verbatim"),
        Column("attribution", "括注的责任分工（原文）", "Attribution in parentheses, verbatim"),
        Column("lead", f"牵头单位 id，以“{LIST_SEP}”分隔", "Lead unit ids"),
        Column("lead_short", f"牵头单位简称，以“{NAME_SEP}”分隔", "Lead units, short names"),
        Column("support", f"配合单位 id，以“{LIST_SEP}”分隔", "Supporting unit ids"),
        Column("support_short", f"配合单位简称，以“{NAME_SEP}”分隔", "Supporting units, short names"),
        Column("responsible", f"按职责分工负责单位 id，以“{LIST_SEP}”分隔", "Responsible unit ids"),
        Column("responsible_short", f"按职责分工负责单位简称，以“{NAME_SEP}”分隔", "Responsible units, short names"),
        Column("lead_each", "分别牵头（true/false）", "Each lead unit leads its own part (true/false)"),
        Column("open", f"名单以“等”结尾的角色，以“{LIST_SEP}”分隔", "Roles whose list ends in 等 (others not named)"),
        Column("deadline_date", "完成期限（YYYY-MM-DD）", "Deadline date"),
        Column("deadline_as_written", "文中时限用语（年底前/年内；无则为空，期限为方案年度）",
               "Time phrase in the text (empty: none given, the plan's year is assumed)"),
        Column("theme", "主题 id（按所属部分，编辑归类）", "Theme id (from the section, editorial)"),
        Column("theme_name", "主题名称", "Theme name"),
        Column("targets", "量化目标个数（见 targets.csv）", "Number of numeric targets (see targets.csv)"),
        Column("related_tasks", f"相关的任务分工序号，以“{LIST_SEP}”分隔（编辑判断）", "Related task numbers (editorial)"),
        Column("note", "编辑注", "Editorial note"),
    ]

    def row(x: Item) -> dict[str, Any]:
        role = {r: x.roles.get(r, []) for r in ("lead", "support", "responsible")}
        return {
            "id": x.id,
            "section": x.section.number,
            "subsection": x.subsection.number if x.subsection else None,
            "ordinal": x.ordinal,
            "text": x.text,
            "attribution": x.units_as_written,
            "lead": _ids(role["lead"]),
            "lead_short": _short(model, role["lead"]),
            "support": _ids(role["support"]),
            "support_short": _short(model, role["support"]),
            "responsible": _ids(role["responsible"]),
            "responsible_short": _short(model, role["responsible"]),
            "lead_each": _bool(x.lead_each),
            "open": _ids(x.open_roles),
            "deadline_date": x.due,
            "deadline_as_written": x.deadline_as_written,
            "theme": x.theme,
            "theme_name": model.themes[x.theme].name,
            "targets": len(x.targets),
            "related_tasks": _ids(t.number for t in x.related),
            "note": x.note,
        }
    return _table("measures", "行动措施 Measures", "《数字山东2020行动方案》：每行一项措施。", columns, [row(x) for x in model.measures])


def sections_table(model: Model) -> Table:
    columns = [
        Column("section", "部分编号", "Section number"),
        Column("subsection", "小节编号（部分本身为空）", "Subsection number (empty on the section's own row)"),
        Column("heading", "标题（原文）", "Heading, verbatim"),
        Column("theme", "主题 id（编辑归类）", "Theme id (editorial)"),
        Column("measures", "措施数", "Number of measures"),
    ]
    rows = []
    for s in model.sections:
        rows.append({"section": s.number, "subsection": None, "heading": s.heading, "theme": s.theme,
                     "measures": sum(1 for x in model.measures if x.section is s)})
        rows += [{"section": s.number, "subsection": u.number, "heading": u.heading, "theme": s.theme,
                  "measures": sum(1 for x in model.measures if x.subsection is u)} for u in s.subsections]
    return _table("sections", "部分与小节 Sections", "2020行动方案的部分（subsection 为空的行）及其小节。", columns, rows)


def targets_table(model: Model) -> Table:
    columns = [
        Column("measure", "所属措施 id", "Measure id"),
        Column("position", "在该措施中的序号", "Position within the measure"),
        Column("text", "目标原文", "The words stating the target, verbatim"),
        Column("metric", "计量对象", "What is counted"),
        Column("value", "数值（“万”已换算）", "Value (万 written out as 10000)"),
        Column("value_as_written", "数值原文写法（与数值不同时）", "Value as written, when it differs"),
        Column("unit", "单位", "Unit"),
        Column("qualifier", "限定词（不少于、左右……）", "Qualifier as written"),
        Column("due", "期限（YYYY-MM-DD）", "Due date"),
        Column("due_as_written", "文中时限用语", "Time phrase in the text"),
    ]
    rows = [{
        "measure": x.id,
        "position": j,
        "text": tg.text,
        "metric": tg.metric,
        "value": _num(tg.value),
        "value_as_written": tg.value_as_written,
        "unit": tg.unit,
        "qualifier": tg.qualifier,
        "due": tg.due,
        "due_as_written": tg.due_as_written,
    } for x in model.items for j, tg in enumerate(x.targets, 1)]
    return _table("targets", "量化目标 Targets", "2020行动方案措施中的数字目标：每行一个目标。", columns, rows)


def agencies_table(model: Model) -> Table:
    columns = [
        Column("id", "单位 id（稳定，用于网址）", "Stable id, used in URLs"),
        Column("name", "全称（编辑规范）", "Canonical full name (editorial)"),
        Column("short", "简称（网站显示）", "Short name shown on the site"),
        Column("en", "英文名（编辑翻译）", "English name (editorial)"),
        Column("kind", "类别 id", "Kind id"),
        Column("kind_name", "类别", "Kind"),
        Column("aliases", f"文中写法，以“{NAME_SEP}”分隔", f"Spellings seen in the documents, '{NAME_SEP}'-separated"),
        Column("tasks", "任务分工中作为责任单位的任务数", "Tasks it is responsible for"),
        Column("lead", "牵头的措施数", "Measures it leads"),
        Column("support", "配合的措施数", "Measures it supports"),
        Column("responsible", "按职责分工负责的措施数", "Measures it is responsible for"),
        Column("total", "合计（任务+措施）", "Total tasks and measures"),
        Column("note", "编辑注", "Editorial note"),
    ]
    rows = [{
        "id": a.id,
        "name": a.name,
        "short": a.short,
        "en": a.en,
        "kind": a.kind,
        "kind_name": a.kind_name,
        "aliases": _names(a.aliases),
        "tasks": model.agency_count(a.id, "task"),
        "lead": model.agency_count(a.id, "lead"),
        "support": model.agency_count(a.id, "support"),
        "responsible": model.agency_count(a.id, "responsible"),
        "total": model.agency_total(a.id),
        "note": a.note,
    } for a in model.agencies.values()]
    return _table("agencies", "责任单位 Agencies", "责任单位登记表：每行一个单位，附各角色的任务/措施数。", columns, rows)


def themes_table(model: Model) -> Table:
    columns = [
        Column("id", "主题 id", "Theme id"),
        Column("name", "名称", "Name"),
        Column("en", "英文名", "English name"),
        Column("description", "说明", "Description (Chinese)"),
        Column("description_en", "英文说明", "Description (English)"),
        Column("tasks", "任务数", "Number of tasks"),
        Column("measures", "措施数", "Number of measures"),
    ]
    rows = [{
        "id": t.id,
        "name": t.name,
        "en": t.en,
        "description": t.description,
        "description_en": t.description_en,
        "tasks": sum(1 for x in model.by_theme[t.id] if x.kind == "task"),
        "measures": sum(1 for x in model.by_theme[t.id] if x.kind == "measure"),
    } for t in model.themes.values()]
    return _table("themes", "主题 Themes", "主题（编辑归类）及其任务、措施数。", columns, rows)


def assignments_table(model: Model) -> Table:
    columns = [
        Column("item_kind", "类型：task 任务 / measure 措施", "Item kind: task or measure"),
        Column("item_id", "任务序号或措施 id", "Task number or measure id"),
        Column("unit", "单位 id", "Unit id"),
        Column("unit_short", "单位简称", "Unit short name"),
        Column("role", "角色：task 责任单位 / lead 牵头 / support 配合 / responsible 按职责分工负责",
               "Role: task, lead, support, responsible"),
        Column("role_name", "角色名称", "Role name"),
        Column("position", "在该角色名单中的位置（从 1 起，按原文顺序）", "Position in that role's list (from 1, document order)"),
        Column("theme", "主题 id", "Theme id"),
        Column("deadline_kind", "期限类型：" + "；".join(f"{k} {v[0]}" for k, v in DEADLINE_KINDS.items()),
               "Deadline kind: " + ", ".join(DEADLINE_KINDS)),
        Column("deadline_year", "期限年份（持续推进为空）", "Deadline year (empty when ongoing)"),
        Column("deadline", "期限（原文或说明）", "Deadline as written or explained"),
    ]
    rows = [{
        "item_kind": x.kind,
        "item_id": x.id,
        "unit": aid,
        "unit_short": model.agencies[aid].short,
        "role": role,
        "role_name": ROLE_NAMES[role][0],
        "position": pos,
        "theme": x.theme,
        "deadline_kind": x.deadline_kind,
        "deadline_year": x.deadline_year,
        "deadline": x.deadline_text,
    } for x in model.items for role, ids in x.roles.items() for pos, aid in enumerate(ids, 1)]
    return _table("assignments", "分工明细 Assignments",
                  "整洁数据：每行一个“任务/措施 × 单位 × 角色”。任务的角色为 task（责任单位）。", columns, rows)


# Progress (data/progress.yaml, data/sources.yaml): one row per report, per citation, per target value, per source.

SOURCE_KINDS = "policy-document 政策文件 / government-report 政府工作报告或工作总结 / statistics 统计数据 / news 新闻报道 / other 其他"


def _item_columns() -> list[Column]:
    return [
        Column("item", "事项：task-序号（任务）或措施 id，与网站相同", "Item key as on the site: task-<number> or a measure id"),
        Column("item_kind", "类型：task 任务 / measure 措施", "Item kind: task or measure"),
        Column("item_id", "任务序号或措施 id", "Task number or measure id"),
        Column("report_as_of", "报告的截至日期（YYYY-MM-DD）", "The report's as-of date"),
    ]


def _item_cells(report: Report) -> dict[str, Any]:
    x = report.item
    return {"item": x.key, "item_kind": x.kind, "item_id": x.id, "report_as_of": report.as_of.isoformat()}


def reports_table(model: Model) -> Table:
    columns = [
        *_item_columns(),
        Column("status", "状态：" + " / ".join(f"{k} {v[0]}" for k, v in STATUSES.items()), "Status: " + ", ".join(STATUSES)),
        Column("status_name", "状态名称", "Status name (Chinese)"),
        Column("current", "是否为该事项最新的报告（true/false）", "Whether this is the item's newest report (its current status)"),
        Column("summary", "摘要", "Summary (Chinese)"),
        Column("sources", f"证据的来源 id，以“{LIST_SEP}”分隔（见 evidence.csv、sources.csv）",
               f"Source ids of the evidence, '{LIST_SEP}'-separated (see evidence.csv, sources.csv)"),
        Column("values", "目标实测值个数（见 target_values.csv）", "Number of measured target values (see target_values.csv)"),
    ]
    rows = [{
        **_item_cells(r),
        "status": r.status,
        "status_name": STATUSES[r.status][0],
        "current": _bool(r.item.current is r),
        "summary": r.summary,
        "sources": _ids(c.source.id for c in r.evidence),
        "values": len(r.values),
    } for r in model.reports]
    return _table("reports", "进展报告 Progress reports",
                  "每行一份进展报告（新的在前）；同一事项最新的报告是它当前的状态。", columns, rows)


def evidence_table(model: Model) -> Table:
    columns = [
        *_item_columns(),
        Column("position", "在该报告证据中的序号", "Position among the report's citations"),
        Column("source", "来源 id（见 sources.csv）", "Source id (see sources.csv)"),
        Column("source_title", "来源标题", "Source title"),
        Column("locator", "章节或页码", "Section or page cited"),
    ]
    rows = [{
        **_item_cells(r),
        "position": i,
        "source": c.source.id,
        "source_title": c.source.title,
        "locator": c.locator,
    } for r in model.reports for i, c in enumerate(r.evidence, 1)]
    return _table("evidence", "证据 Evidence", "整洁数据：每行一条进展报告引用的证据（来源及章节或页码）。", columns, rows)


def target_values_table(model: Model) -> Table:
    columns = [
        *_item_columns(),
        Column("target_position", "目标在该措施中的序号（同 targets.csv 的 position）", "The target's position within the measure (as in targets.csv)"),
        Column("target", "目标原文", "The target's words, verbatim"),
        Column("target_value", "目标数值", "The target's value"),
        Column("value", "实测值", "Measured value"),
        Column("unit", "单位", "Unit"),
        Column("as_of", "实测值的日期（YYYY-MM-DD）", "Date of the measured value"),
        Column("progress", "实测值 ÷ 目标数值（保留 4 位小数，可大于 1）", "Measured value / target value (4 decimals; may exceed 1)"),
    ]
    rows = [{
        **_item_cells(r),
        "target_position": next(i for i, t in enumerate(r.item.targets, 1) if t is v.target),
        "target": v.target.text,
        "target_value": _num(v.target.value),
        "value": _num(v.value),
        "unit": v.unit,
        "as_of": v.as_of.isoformat(),
        "progress": _num(round(v.value / v.target.value, 4)),
    } for r in model.reports for v in r.values]
    return _table("target_values", "目标实测值 Target values",
                  "整洁数据：每行一个进展报告给出的量化目标实测值，附目标数值与完成比例。", columns, rows)


def sources_table(model: Model) -> Table:
    columns = [
        Column("id", "来源 id（进展报告引用它）", "Stable id that reports cite"),
        Column("title", "标题", "Title as published"),
        Column("issuer", "发布机构", "Issuer"),
        Column("date", "发布日期（YYYY-MM-DD）", "Publication date"),
        Column("url", "网址", "Web address"),
        Column("doc_number", "文号", "Document number"),
        Column("kind", "类别：" + SOURCE_KINDS, "Kind: policy-document, government-report, statistics, news, other"),
        Column("cited", "被引用的次数（evidence.csv 的行数）", "Citations of it (rows of evidence.csv)"),
    ]
    cited = Counter(c.source.id for r in model.reports for c in r.evidence)
    rows = [{
        "id": x.id,
        "title": x.title,
        "issuer": x.issuer,
        "date": x.date.isoformat(),
        "url": x.url,
        "doc_number": x.doc_number,
        "kind": x.kind,
        "cited": cited[x.id],
    } for x in model.sources.values()]
    return _table("sources", "来源 Sources", "来源登记表：每行一个进展报告引用的来源。", columns, rows)


TABLES: list[Callable[[Model], Table]] = [tasks_table, measures_table, sections_table, targets_table,
                                           agencies_table, themes_table, assignments_table,
                                           reports_table, evidence_table, target_values_table, sources_table]



def tables(model: Model) -> list[Table]:
    """Every table written as CSV and as an Excel sheet, in order; built from the model alone."""
    return [make(model) for make in TABLES]


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


def as_of_text(model: Model) -> tuple[str, str]:
    """The dataset's as-of date and reviewer, in Chinese and in English (for the workbook)."""
    zh = f"数据截至 {model.as_of.isoformat()}（审核：{model.reviewed_by}）"
    en = f"Data as of {model.as_of.isoformat()} (reviewed by {model.reviewed_by})"
    return zh, en


def xlsx_bytes(tabs: list[Table], model: Model) -> bytes:
    """The workbook: a 说明 sheet (the as-of date, then every field of every sheet), then one sheet per table.
    The as-of date is also in the workbook's properties: ``description`` and the custom property ``as_of``."""
    # openpyxl (~0.1 s to import) only where a workbook is written: the build's main process imports
    # this module for download_names() alone.
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    readme = wb.active
    readme.title = "说明"
    readme.append(["sheet", "field", "含义", "meaning"])
    as_of_zh, as_of_en = as_of_text(model)
    readme.append(["", "as_of", as_of_zh, as_of_en])
    if model.reviewed_note:
        readme.append(["", "as_of", model.reviewed_note, ""])
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
            for cell in ws[ws.max_row]:  # openpyxl stores a text starting with "=" as a formula: keep it text
                if isinstance(cell.value, str) and cell.data_type == "f":
                    cell.data_type = "s"
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
    props.description = f"{as_of_zh}. {as_of_en}."
    wb.custom_doc_props.append(StringProperty(name="as_of", value=model.as_of.isoformat()))
    wb.custom_doc_props.append(StringProperty(name="reviewed_by", value=model.reviewed_by))
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


def download_names(model: Model) -> list[str]:
    """The files ``write_downloads`` writes (POSIX paths relative to its folder), in its order,
    without writing them: the build registers them with MkDocs before they exist (prebuild)."""
    return [JSON_NAME, f"schemas/{JSON_SCHEMA_NAME}", *(f"schemas/{name}" for _, name in FILES.values()),
            *(f"{t.name}.csv" for t in tables(model)), XLSX_NAME]


def write_downloads(model: Model, docs: dict[str, Document], out_dir: Path) -> list[dict]:
    """Write every download under ``out_dir`` and describe each file.

    ``docs`` is the dict returned by ``shandong.check.check()`` (its problems must be empty) and
    ``model`` the model built from it. Returns one dict per file, in the order a download page
    lists them: ``path`` (relative to out_dir, POSIX), ``title``, ``format`` (JSON, JSON Schema, CSV,
    XLSX), ``bytes``, ``sha256``, ``description``, ``fields`` (list of {name, zh, en}) and, for
    tables, ``rows``; for the workbook, ``sheets``; and, for every file, the dataset's ``as_of`` date
    (ISO) and ``reviewed_by``.
    """
    out_dir = Path(out_dir)
    out: list[dict] = []

    path = out_dir / JSON_NAME
    _write(path, _json_bytes(dataset(docs)))
    out.append(_meta(out_dir, path, "完整数据集 Whole dataset", "JSON",
                     f"data/ 的全部 {len(FILES)} 个 YAML 数据文件合为一个 JSON，字段名与 YAML 相同；reviewed 是数据截至日期；"
                     "可用 schemas/ 下的 JSON Schema 校验。"
                     f" The {len(FILES)} YAML files in one JSON document, same field names; reviewed is the dataset's as-of date;"
                     " validates against schemas/" + JSON_SCHEMA_NAME + ".",
                     [{"name": "$schema", "zh": "本文件的 JSON Schema 的相对路径", "en": "Relative path of this file's JSON Schema"}]
                     + [{"name": k, "zh": v[2], "en": v[3]} for k, v in JSON_PARTS.items()]))

    path = out_dir / "schemas" / JSON_SCHEMA_NAME
    _write(path, _json_bytes(combined_schema()))
    out.append(_meta(out_dir, path, "完整数据集的 JSON Schema", "JSON Schema",
                     f"{JSON_NAME} 的 JSON Schema（draft 2020-12），各部分引用下列 {len(FILES)} 个 schema。",
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

    tabs = tables(model)
    for t in tabs:
        path = out_dir / f"{t.name}.csv"
        _write(path, csv_bytes(t))
        out.append(_meta(out_dir, path, t.title, "CSV",
                         t.description + f" UTF-8（带 BOM），逗号分隔；单元格内 id 以“{LIST_SEP}”、中文名称以“{NAME_SEP}”分隔。",
                         [{"name": c.name, "zh": c.zh, "en": c.en} for c in t.columns], rows=len(t.rows)))

    path = out_dir / XLSX_NAME
    _write(path, xlsx_bytes(tabs, model))
    out.append(_meta(out_dir, path, "Excel 工作簿 Workbook", "XLSX",
                     "与 CSV 相同的各表，每表一个工作表，另有“说明”工作表列出每个字段的含义。",
                     [{"name": "说明", "zh": "各表字段说明", "en": "README: every field of every sheet"}]
                     + [{"name": t.name, "zh": t.title, "en": t.description} for t in tabs],
                     sheets=["说明"] + [t.name for t in tabs]))
    for m in out:  # every file is of the data as of the reviewed date
        m["as_of"] = model.as_of.isoformat()
        m["reviewed_by"] = model.reviewed_by
    return out
