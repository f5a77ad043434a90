"""Open data of the public lists (section 四.2/四.3: 依法依规公开信用信息): every entry public
on a day as CSV, JSON or XLSX. Built from ``PublicEntry`` in bulk form, so the files hold no ID
number at all and show a person by surname only.

The files are published, not made per download (issue 6 §5, plan section 五.1): ``write_files``
writes all three in one pass over the entries into files that ``open_data.open_data_release_build``
keeps in the default storage, and a download is ``release_response``, the finished file. Only
before the first build of the day do CSV and JSON stream from the database (``streaming_response``).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterator
from typing import BinaryIO
from urllib.parse import quote

from django.http import FileResponse, StreamingHttpResponse

from xiqing_credit import excel

from .models import OpenDataRelease
from .public_selectors import PublicEntry, open_data_entries


def _iso(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


# (JSON key, column heading, value)
COLUMNS: list[tuple[str, str, Callable[[PublicEntry], object]]] = [
    ("id", "编号", lambda e: e.id),
    ("list", "名单类型", lambda e: e.list_label),
    ("subject_type", "主体类型", lambda e: e.subject_type_label),
    ("subject_name", "主体名称", lambda e: e.subject_name),
    ("credit_code", "统一社会信用代码", lambda e: "" if e.is_person else e.subject_key),
    ("campaign", "专项治理", lambda e: f"{e.campaign_number}. {e.campaign_title}"),
    ("severity", "失信等级", lambda e: e.severity_label),
    ("reason", "列入原因", lambda e: e.reason),
    ("basis", "认定依据", lambda e: e.basis),
    ("deciding_agency", "认定部门", lambda e: e.deciding_agency),
    ("decision_number", "决定文书号", lambda e: e.decision_number),
    ("decision_date", "决定日期", lambda e: _iso(e.decision_date)),
    ("publish_from", "公示开始日期", lambda e: _iso(e.publish_from)),
    ("publish_until", "公示截止日期", lambda e: _iso(e.publish_until)),
]
KEYS = [key for key, _heading, _value in COLUMNS]
HEADINGS = [heading for _key, heading, _value in COLUMNS]
FORMATS = OpenDataRelease.FORMATS
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": excel.XLSX_CONTENT_TYPE,
}
SHEET_TITLE = "红黑榜"
# Rows of one worksheet below the heading (Excel's limit is 1,048,576 rows); more go on a next sheet.
XLSX_SHEET_ROWS = 1_048_575
_CHUNK = 2000
_STREAM_ROWS = 500


def entry_values(today: datetime.date) -> Iterator[list]:
    """The column values of every entry public on ``today``, one list per entry, read in one query."""
    values = [value for _key, _heading, value in COLUMNS]
    for row in open_data_entries(today).iterator(chunk_size=_CHUNK):
        entry = PublicEntry.of(row, bulk=True)
        yield [value(entry) for value in values]


def _csv_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading quote (CSV injection)."""
    if isinstance(value, str) and value.startswith(excel.FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_writer(text):
    """A CSV writer on ``text`` that has written the byte-order mark and the heading row."""
    text.write("\ufeff")  # so that Excel on Chinese Windows opens the file as UTF-8
    writer = csv.writer(text)
    writer.writerow(HEADINGS)
    return writer


def _json_head(today: datetime.date) -> str:
    header = {"title": "西青区诚信红黑榜公开数据", "date": today.isoformat(), "fields": KEYS}
    return json.dumps(header, ensure_ascii=False)[:-1] + ', "entries": ['


def _json_entry(values: list) -> str:
    return json.dumps(dict(zip(KEYS, values, strict=True)), ensure_ascii=False)


_JSON_TAIL = "]}"


def _xlsx_sheet(workbook, number: int):
    excel.add_sheet(workbook, SHEET_TITLE if number == 1 else f"{SHEET_TITLE}（{number}）", HEADINGS, ())
    return workbook.worksheets[-1]


def write_files(today: datetime.date, outputs: dict[str, BinaryIO]) -> int:
    """Write every entry public on ``today`` to each of ``outputs`` ({"csv"|"json"|"xlsx": a
    binary file}) in one pass over the entries; returns how many entries were written.

    Memory stays flat: rows come from a server-side cursor, CSV and JSON go straight to their
    files, the workbook is openpyxl's write-only kind (rows go to a temporary file, strings inline)."""
    csv_text = json_text = workbook = sheet = None
    if "csv" in outputs:
        csv_text = io.TextIOWrapper(outputs["csv"], encoding="utf-8", newline="")
        csv_writer = _csv_writer(csv_text)
    if "json" in outputs:
        json_text = io.TextIOWrapper(outputs["json"], encoding="utf-8")
        json_text.write(_json_head(today))
    if "xlsx" in outputs:
        workbook = excel.new_workbook()
    count = 0
    for values in entry_values(today):
        if csv_text is not None:
            csv_writer.writerow([_csv_safe(value) for value in values])
        if json_text is not None:
            json_text.write(("," if count else "") + _json_entry(values))
        if workbook is not None:
            if count % XLSX_SHEET_ROWS == 0:
                sheet = _xlsx_sheet(workbook, count // XLSX_SHEET_ROWS + 1)
            sheet.append(excel.safe_row(sheet, values))
        count += 1
    if json_text is not None:
        json_text.write(_JSON_TAIL)
    for text in (csv_text, json_text):
        if text is not None:
            text.detach()  # flushes, and leaves the caller's file open
    if workbook is not None:
        if sheet is None:
            _xlsx_sheet(workbook, 1)
        workbook.save(outputs["xlsx"])
    return count


def filename(as_of: datetime.date, fmt: str) -> str:
    return f"西青区红黑榜公开数据-{as_of.isoformat()}.{fmt}"


def _attachment(response, name: str):
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def release_response(release: OpenDataRelease, fmt: str) -> FileResponse:
    """The built file of ``release`` in ``fmt`` as a download, read from the default storage."""
    stored = release.file(fmt)
    response = FileResponse(stored.storage.open(stored.name, "rb"), content_type=CONTENT_TYPES[fmt])
    return _attachment(response, filename(release.as_of, fmt))


def _csv(today: datetime.date) -> Iterator[str]:
    buffer = io.StringIO()
    writer = _csv_writer(buffer)
    for index, values in enumerate(entry_values(today), start=1):
        writer.writerow([_csv_safe(value) for value in values])
        if index % _STREAM_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json(today: datetime.date) -> Iterator[str]:
    yield _json_head(today)
    chunk: list[str] = []
    for index, values in enumerate(entry_values(today)):
        chunk.append(("," if index else "") + _json_entry(values))
        if len(chunk) == _STREAM_ROWS:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + _JSON_TAIL


def streaming_response(fmt: str, *, today: datetime.date) -> StreamingHttpResponse:
    """CSV or JSON made while it is sent: only until the day's files are built (``write_files``
    writes the same bytes)."""
    content = _csv(today) if fmt == "csv" else _json(today)
    return _attachment(StreamingHttpResponse(content, content_type=CONTENT_TYPES[fmt]), filename(today, fmt))
