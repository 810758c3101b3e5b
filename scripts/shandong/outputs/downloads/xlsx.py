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
    The as-of date is also in the workbook's properties: ``description`` and the custom property ``as_of``.
    Every sheet: its first row bold and frozen, columns as wide as their text (CJK counted double, capped:
    longer texts wrap); a table's sheet has a filter over its rows. Written in openpyxl's write-only mode
    (rows streamed, not kept as cells: linear, about half the time)."""
    # openpyxl (~0.1 s to import) only where a workbook is written: the build's main process imports
    # this module for download_names() alone.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    as_of_zh, as_of_en = as_of_text(model)
    readme = [["sheet", "field", "含义", "meaning"], ["", "as_of", as_of_zh, as_of_en]]
    if model.reviewed_note:
        readme.append(["", "as_of", model.reviewed_note, ""])
    for t in tabs:
        readme.append([t.name, "", t.title + "：" + t.description, ""])
        readme += [[t.name, c.name, c.zh, c.en] for c in t.columns]
    readme.append([])
    readme.append(["", "", f"单元格内的 id 以“{LIST_SEP}”分隔，中文名称以“{NAME_SEP}”分隔。",
                   f"Inside a cell, ids are separated by '{LIST_SEP}', Chinese names by '{NAME_SEP}'."])
    sheets = [("说明", readme, False)] + [(t.name, [[c.name for c in t.columns], *t.values()], True) for t in tabs]

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for title, rows, filtered in sheets:
        ws = wb.create_sheet(title)
        out: list[list] = []
        widths: dict[int, int] = {}
        for r, row in enumerate(rows):
            cells = []
            for col, value in enumerate(row, start=1):
                if value is None:
                    cells.append(None)
                    continue
                width = display_width(str(value))
                widths[col] = max(widths.get(col, 0), width)
                if r and width <= MAX_WIDTH and not (isinstance(value, str) and value.startswith("=")):
                    cells.append(value)  # a plain cell: no style to set
                    continue
                cell = WriteOnlyCell(ws, value=value)
                if cell.data_type == "f":  # openpyxl takes a text starting with "=" for a formula: keep it text
                    cell.data_type = "s"
                if r == 0:
                    cell.font = bold
                if width > MAX_WIDTH:
                    cell.alignment = wrap
                cells.append(cell)
            out.append(cells)
        # what precedes the rows in the sheet's XML: set before the first row is written
        for col, w in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = min(w, MAX_WIDTH) + 2
        ws.freeze_panes = "A2"
        if filtered and len(rows) > 1:
            ws.auto_filter.ref = f"A1:{get_column_letter(max(len(row) for row in rows))}{len(rows)}"
        for cells in out:
            ws.append(cells)
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


