"""Open data of the public lists (section 四.2/四.3: 依法依规公开信用信息): every entry public
today as CSV, JSON or XLSX. Built from ``PublicEntry`` in bulk form, so the files hold no ID
number at all and show a person by surname only."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterator
from urllib.parse import quote

from django.http import Http404, StreamingHttpResponse

from xiqing_credit import excel

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
FORMATS = {"csv", "json", "xlsx"}
_CHUNK = 2000


def _entries(today: datetime.date) -> Iterator[PublicEntry]:
    for row in open_data_entries(today).iterator(chunk_size=_CHUNK):
        yield PublicEntry.of(row, bulk=True)


def _csv_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading quote (CSV injection)."""
    if isinstance(value, str) and value.startswith(excel.FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv(today: datetime.date) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # so that Excel on Chinese Windows opens the file as UTF-8
    writer.writerow([heading for _key, heading, _value in COLUMNS])
    for index, entry in enumerate(_entries(today), start=1):
        writer.writerow([_csv_safe(value(entry)) for _key, _heading, value in COLUMNS])
        if index % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json(today: datetime.date) -> Iterator[str]:
    header = {"title": "西青区诚信红黑榜公开数据", "date": today.isoformat(), "fields": [k for k, _h, _v in COLUMNS]}
    yield json.dumps(header, ensure_ascii=False)[:-1] + ', "entries": ['
    separator = ""
    for entry in _entries(today):
        yield separator + json.dumps({key: value(entry) for key, _h, value in COLUMNS}, ensure_ascii=False)
        separator = ","
    yield "]}"


def _filename(today: datetime.date, fmt: str) -> str:
    return f"西青区红黑榜公开数据-{today.isoformat()}.{fmt}"


def _attachment(response, filename: str):
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def response(fmt: str, *, today: datetime.date):
    """The open-data file in ``fmt`` (csv, json, xlsx) as a download."""
    if fmt not in FORMATS:
        raise Http404
    filename = _filename(today, fmt)
    if fmt == "xlsx":
        workbook = excel.new_workbook()
        excel.add_sheet(
            workbook,
            "红黑榜",
            [heading for _key, heading, _value in COLUMNS],
            ([value(entry) for _key, _heading, value in COLUMNS] for entry in _entries(today)),
        )
        return excel.xlsx_response(workbook, filename)
    if fmt == "csv":
        return _attachment(StreamingHttpResponse(_csv(today), content_type="text/csv; charset=utf-8"), filename)
    return _attachment(StreamingHttpResponse(_json(today), content_type="application/json; charset=utf-8"), filename)
