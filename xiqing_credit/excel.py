"""Safe Excel writing shared by every export (openpyxl write-only mode: memory stays flat).

A text cell that begins with ``=``, ``+``, ``-``, ``@``, tab or carriage return would be taken by
Excel as a formula (CSV/formula injection); such cells are written as text with a quote prefix,
never as formulas. Numbers, dates and booleans are written as themselves.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(sheet, value):
    """A write-only cell holding ``value``; text that looks like a formula stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        result = WriteOnlyCell(sheet, value=value)
        result.data_type = "s"
        result.quotePrefix = True
        return result
    return value


def add_sheet(workbook: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Append a sheet with a bold header row and ``rows`` written safely."""
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        header_cell = WriteOnlyCell(sheet, value=name)
        header_cell.font = bold
        header_cells.append(header_cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([cell(sheet, value) for value in row])


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    """An attachment response; ``filename`` may be Chinese (RFC 5987 encoding)."""
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
