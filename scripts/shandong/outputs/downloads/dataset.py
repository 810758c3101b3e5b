"""The combined JSON file (the YAML documents' values, regrouped) and its JSON Schema."""
from __future__ import annotations

import json
from typing import Any

from ...config import FILES
from ...data.load import Document

JSON_NAME = "digital-shandong.json"
JSON_SCHEMA_NAME = "digital-shandong.schema.json"


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

