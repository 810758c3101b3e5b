"""The CSV tables (and the Excel sheets): one function per table, every cell read from the model."""
from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...data.model import DEADLINE_KINDS, ROLE_NAMES, STATUSES, Item, Model, Report

LIST_SEP = ";"  # between ids / codes in one cell
NAME_SEP = "、"  # between Chinese names in one cell


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
        Column("title", "短标题（编辑，取自原文首句）", "Short title (editorial, from the text's opening clause)"),
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
        "title": x.short_title,
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
        Column("title", "短标题（编辑，取自原文首句）", "Short title (editorial, from the text's opening clause)"),
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
            "title": x.short_title,
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

