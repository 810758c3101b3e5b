"""Open-data downloads: the whole dataset as JSON (with its JSON Schemas), CSV and Excel.

    from shandong.data.check import check
    from shandong.data.model import build_model
    docs, problems = check()            # problems must be empty
    files, meta = downloads(build_model(docs), docs)      # path -> bytes; a description per file

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

import hashlib
import json
from pathlib import Path

from ...config import FILES, SCHEMAS
from ...data.load import Document
from ...data.model import Model
from .dataset import JSON_NAME, JSON_PARTS, JSON_SCHEMA_NAME, _json_bytes, combined_schema, dataset
from .tables import LIST_SEP, NAME_SEP, csv_bytes, tables
from .xlsx import XLSX_NAME, xlsx_bytes

__all__ = ["JSON_NAME", "JSON_SCHEMA_NAME", "LIST_SEP", "NAME_SEP", "XLSX_NAME", "downloads", "write_downloads"]


def _meta(path: str, data: bytes, title: str, fmt: str, description: str, fields: list[dict], **extra) -> dict:
    return {"path": path, "title": title, "format": fmt, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "description": description, "fields": fields, **extra}


def downloads(model: Model, docs: dict[str, Document]) -> tuple[dict[str, bytes], list[dict]]:
    """Every download file (POSIX path relative to the downloads folder -> bytes) and a description of each.

    ``docs`` is the dict returned by ``shandong.data.check.check()`` (its problems must be empty) and
    ``model`` the model built from it. The descriptions come in the order a download page lists them:
    ``path``, ``title``, ``format`` (JSON, JSON Schema, CSV, XLSX), ``bytes``, ``sha256``, ``description``,
    ``fields`` (list of {name, zh, en}) and, for tables, ``rows``; for the workbook, ``sheets``; and, for
    every file, the dataset's ``as_of`` date (ISO; the reviewed date) and ``reviewed_by``.
    """
    files: dict[str, bytes] = {}
    out: list[dict] = []

    def add(path: str, data: bytes, *args, **kwargs) -> None:
        files[path] = data
        out.append(_meta(path, data, *args, **kwargs))

    add(JSON_NAME, _json_bytes(dataset(docs)), "完整数据集 Whole dataset", "JSON",
        f"data/ 的全部 {len(FILES)} 个 YAML 数据文件合为一个 JSON，字段名与 YAML 相同；reviewed 是数据截至日期；"
        "可用 schemas/ 下的 JSON Schema 校验。"
        f" The {len(FILES)} YAML files in one JSON document, same field names; reviewed is the dataset's as-of date;"
        " validates against schemas/" + JSON_SCHEMA_NAME + ".",
        [{"name": "$schema", "zh": "本文件的 JSON Schema 的相对路径", "en": "Relative path of this file's JSON Schema"}]
        + [{"name": k, "zh": v[2], "en": v[3]} for k, v in JSON_PARTS.items()])
    add(f"schemas/{JSON_SCHEMA_NAME}", _json_bytes(combined_schema()), "完整数据集的 JSON Schema", "JSON Schema",
        f"{JSON_NAME} 的 JSON Schema（draft 2020-12），各部分引用下列 {len(FILES)} 个 schema。",
        [{"name": k, "zh": v[2], "en": v[3]} for k, v in JSON_PARTS.items()])
    for kind, (rel, schema_name) in FILES.items():
        data = (SCHEMAS / schema_name).read_bytes()
        s = json.loads(data)
        add(f"schemas/{schema_name}", data, f"{kind} 的 JSON Schema", "JSON Schema",
            f"data/{rel} 的 JSON Schema（draft 2020-12）：{s.get('title', '')}",
            [{"name": k, "zh": JSON_PARTS[k][2], "en": JSON_PARTS[k][3]} if k in JSON_PARTS
             else {"name": k, "zh": "文件的标题、来源与期限", "en": "The document's title, source file and period"}
             for k in s.get("properties", {})])
    tabs = tables(model)
    for t in tabs:
        add(f"{t.name}.csv", csv_bytes(t), t.title, "CSV",
            t.description + f" UTF-8（带 BOM），逗号分隔；单元格内 id 以“{LIST_SEP}”、中文名称以“{NAME_SEP}”分隔。",
            [{"name": c.name, "zh": c.zh, "en": c.en} for c in t.columns], rows=len(t.rows))
    add(XLSX_NAME, xlsx_bytes(tabs, model), "Excel 工作簿 Workbook", "XLSX",
        "与 CSV 相同的各表，每表一个工作表，另有“说明”工作表列出每个字段的含义。",
        [{"name": "说明", "zh": "各表字段说明", "en": "README: every field of every sheet"}]
        + [{"name": t.name, "zh": t.title, "en": t.description} for t in tabs],
        sheets=["说明"] + [t.name for t in tabs])
    for m in out:  # every file is of the data as of the reviewed date
        m["as_of"] = model.as_of.isoformat()
        m["reviewed_by"] = model.reviewed_by
    return files, out


def write_downloads(model: Model, docs: dict[str, Document], out_dir: Path) -> list[dict]:
    """``downloads`` written under ``out_dir`` (files whose bytes did not change are left as they are)."""
    files, meta = downloads(model, docs)
    for rel, data in files.items():
        path = Path(out_dir) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    return meta
