"""The Excel workbook: one sheet per table, and a 说明 (README) sheet."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata
import zipfile

from ...data.model import Model
from .tables import LIST_SEP, NAME_SEP, Table

XLSX_NAME = "digital-shandong.xlsx"
FIXED_DATE = dt.datetime(2020, 1, 1)  # workbook created/modified when SOURCE_DATE_EPOCH is unset
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


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
        for r, row in enumerate(t.values(), start=2):
            ws.append(row)
            # openpyxl stores a text starting with "=" as a formula: keep it text. (Looked up by its
            # row and column: ws[ws.max_row] scans every cell of the sheet, quadratic in the rows.)
            for col, value in enumerate(row, start=1):
                if isinstance(value, str) and value.startswith("="):
                    cell = ws.cell(row=r, column=col)
                    if cell.data_type == "f":
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


