"""Batch screening against the red/black lists (section 五.2, 联合奖惩): an agency checks whether
the applicants, bidders or grantees in front of it are listed.

Staff give up to ``SCREENING_MAX_ROWS`` rows (Excel, CSV or JSON), each a name and/or a unified
social credit code or resident ID number. A code or ID matches exactly (the ID through its keyed
hash); a row with a name alone matches subjects of exactly that name, marked as a name-only
match to be checked. Codes and IDs with a wrong check digit are reported on their row. The
whole batch is matched with a handful of set-based queries (``= ANY(array)``), never one query
per row: 10,000 rows against 1,000,000 entries take well under 10 s (``bench/screening.py``).

Matches are the entries in effect (published, inside their publicity period); on request also
the earlier ones (expired, removed, repaired) the user may see. A person's ID number appears
only masked in the result, even where the input held it in full.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Lookup, Q
from openpyxl import Workbook, load_workbook

from xiqing_credit import excel

from . import search
from .excel import ImportFileError, check_workbook_archive
from .models import CreditSubject, ListEntry
from .permissions import public_entries
from .public_selectors import choice_labels
from .validators import mask_id_number

RESULT_SHEET = "筛查结果"
TEMPLATE_HEADER = ["名称或姓名", "统一社会信用代码或身份证号码"]
_HEADER_WORDS = ("名称", "姓名", "代码", "证件", "身份证", "号码")


class ScreeningInputError(Exception):
    """The input as a whole cannot be screened (too many rows, unreadable file)."""


@dataclass(frozen=True)
class InputRow:
    number: int  # the row number the user knows: the spreadsheet row, or the position in JSON
    name: str = ""
    key: str = ""  # a credit code or an ID number, as given


@dataclass(frozen=True)
class Match:
    """One entry a row matched, as staff may see it (the ID number masked)."""

    entry_id: int
    matched_by: str
    subject_name: str
    subject_type_label: str
    subject_key: str
    list: str
    list_label: str
    severity_label: str
    status_label: str
    in_effect: bool
    publish_until: datetime.date | None
    deciding_agency: str
    campaign_title: str
    decision_number: str
    note: str = ""


@dataclass
class RowResult:
    row: InputRow
    display_key: str = ""  # the key as the result may show it: an ID number masked
    error: str = ""
    matches: list[Match] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        if self.error:
            return "输入有误"
        if not self.matches:
            return "未命中"
        return "命中" if any(match.in_effect for match in self.matches) else "仅有历史记录"


@dataclass
class ScreeningResult:
    rows: list[RowResult]
    today: datetime.date
    include_history: bool

    @property
    def hit_count(self) -> int:
        return sum(1 for row in self.rows if row.outcome == "命中")

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.error)

    @property
    def miss_count(self) -> int:
        return sum(1 for row in self.rows if row.outcome == "未命中")

    @property
    def history_count(self) -> int:
        return sum(1 for row in self.rows if row.outcome == "仅有历史记录")

    def rows_to_show(self) -> list[RowResult]:
        """Rows that need a look: every match and every input error (misses are in the Excel)."""
        return [row for row in self.rows if row.error or row.matches]


# --- reading the input ----------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _is_header(name: str, key: str) -> bool:
    return any(word in name or word in key for word in _HEADER_WORDS)


def _collect(raw_rows: Iterable[tuple[int, object, object]]) -> list[InputRow]:
    rows: list[InputRow] = []
    first = True
    for number, raw_name, raw_key in raw_rows:
        name, key = _cell_text(raw_name), _cell_text(raw_key)
        if not (name or key):
            continue
        if first and _is_header(name, key):
            first = False
            continue
        first = False
        if isinstance(raw_key, int | float) and len(key) >= 15:
            # Excel keeps 15 significant digits: an 18-digit ID typed as a number has lost its end.
            key = "#number:" + key
        rows.append(InputRow(number=number, name=name, key=key))
        if len(rows) > settings.SCREENING_MAX_ROWS:
            raise ScreeningInputError(f"一次最多筛查{settings.SCREENING_MAX_ROWS}行，请拆分后分批筛查。")
    if not rows:
        raise ScreeningInputError(
            "没有读到任何数据：请在第一列填写名称或姓名，第二列填写统一社会信用代码或身份证号码。"
        )
    return rows


def read_upload(upload) -> list[InputRow]:
    """Rows of an uploaded .xlsx or .csv file: column A the name, column B the code or ID."""
    if upload.size > settings.SCREENING_MAX_FILE_BYTES:
        raise ScreeningInputError(f"文件超过{settings.SCREENING_MAX_FILE_BYTES // (1024 * 1024)}MB，请拆分后上传。")
    filename = (upload.name or "").lower()
    if filename.endswith(".csv"):
        return _collect(_csv_rows(upload.read()))
    if filename.endswith(".xls"):
        raise ScreeningInputError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv 后上传。")
    try:
        check_workbook_archive(upload)
    except ImportFileError as error:
        raise ScreeningInputError(str(error)) from None
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken workbook
        raise ScreeningInputError("文件无法作为 Excel 工作簿读取，请另存为 .xlsx 或 .csv 后重新上传。") from None
    try:
        sheet = workbook.worksheets[0]
        rows = (
            (number, *(tuple(values) + (None, None))[:2])
            for number, values in enumerate(sheet.iter_rows(max_col=2, values_only=True), start=1)
        )
        return _collect(rows)
    finally:
        workbook.close()


def _csv_rows(data: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ScreeningInputError("CSV 文件编码无法识别，请保存为 UTF-8 编码后重新上传。")
    for number, values in enumerate(csv.reader(io.StringIO(text)), start=1):
        values = values + ["", ""]
        yield number, values[0], values[1]


def rows_from_json(items) -> list[InputRow]:
    """Rows of the API's JSON: each ``{"name": …, "code": …}`` (either may be left out)."""
    if not isinstance(items, list):
        raise ScreeningInputError('rows 应为数组，每项形如 {"name": "…", "code": "…"}。')
    raw = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ScreeningInputError(f'第{number}项应为对象，形如 {{"name": "…", "code": "…"}}。')
        raw.append((number, item.get("name"), str(item.get("code") or "")))
    return _collect(raw)


# --- matching ---------------------------------------------------------------------------------------


class _EqualsAny(Lookup):
    """``column = ANY(%s)`` with the whole list as one array parameter (PostgreSQL)."""

    lookup_name = "equals_any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def _any_of(field_name: str, values) -> Q:
    values = sorted(values)
    if connection.vendor == "postgresql":
        from django.db.models import F

        return Q(_EqualsAny(F(field_name), values))
    return Q(**{f"{field_name}__in": values})


@dataclass
class _ParsedKey:
    credit_code: str = ""
    id_hash: str = ""
    id_masked: str = ""


def _parse_key(key: str) -> _ParsedKey:
    if key.startswith("#number:"):
        raise ValidationError("该号码在 Excel 中被存成了数字，末几位可能已丢失：请把该列设为“文本”格式后重新填写。")
    if not search.is_identifier_attempt(key):
        raise ValidationError("请填写18位统一社会信用代码或18位身份证号码。")
    query = search.parse_query(key)
    return _ParsedKey(credit_code=query.credit_code, id_hash=query.id_hash, id_masked=query.id_masked)


def screen(rows: list[InputRow], *, user, today: datetime.date, include_history: bool = False) -> ScreeningResult:
    """Match every row at once: one query for the subjects, one for their entries."""
    results: list[RowResult] = []
    parsed: dict[int, _ParsedKey] = {}
    codes, hashes, names = set(), set(), set()
    for index, row in enumerate(rows):
        result = RowResult(row=row, display_key=row.key)
        if search.looks_like_id_number(row.key) or row.key.startswith("#number:"):
            result.display_key = mask_id_number(row.key.removeprefix("#number:"))
        if row.key:
            try:
                key = _parse_key(row.key)
            except ValidationError as error:
                result.error = " ".join(error.messages)
            else:
                parsed[index] = key
                if key.credit_code:
                    codes.add(key.credit_code)
                if key.id_hash:
                    hashes.add(key.id_hash)
                    result.display_key = key.id_masked
        else:
            names.add(row.name)
        results.append(result)

    condition = Q(pk__in=[])
    if codes:
        condition |= _any_of("credit_code", codes)
    if hashes:
        condition |= _any_of("id_number_hash", hashes)
    if names:
        condition |= _any_of("name", names)
    subjects = {
        subject.pk: subject
        for subject in CreditSubject.objects.filter(condition).only(
            "pk", "subject_type", "name", "credit_code", "id_number_hash", "id_number_masked"
        )
    }
    entries_by_subject = _entries_of(subjects, user=user, today=today, include_history=include_history)

    by_code = {s.credit_code: s for s in subjects.values() if s.credit_code}
    by_hash = {s.id_number_hash: s for s in subjects.values() if s.id_number_hash}
    by_name: dict[str, list[CreditSubject]] = defaultdict(list)
    for subject in subjects.values():
        by_name[subject.name].append(subject)

    for index, result in enumerate(results):
        if result.error:
            continue
        key = parsed.get(index)
        if key is not None:
            found = [s for s in (by_code.get(key.credit_code), by_hash.get(key.id_hash)) if s is not None]
        else:
            found = by_name.get(result.row.name, [])
        for subject in found:
            if key is None:
                matched_by = "仅名称（请核对证件号码）"
            elif subject.is_person:
                matched_by = "身份证号码"
            else:
                matched_by = "统一社会信用代码"
            note = ""
            if key is not None and result.row.name and result.row.name != subject.name:
                note = f"填写的名称“{result.row.name}”与登记名称不一致"
            result.matches.extend(
                _match(entry, subject, matched_by=matched_by, note=note, today=today)
                for entry in entries_by_subject.get(subject.pk, [])
            )
    return ScreeningResult(rows=results, today=today, include_history=include_history)


def _entries_of(subjects, *, user, today: datetime.date, include_history: bool) -> dict[int, list[ListEntry]]:
    if not subjects:
        return {}
    in_subjects = _any_of("subject_id", subjects.keys())
    queryset = public_entries(today).filter(in_subjects)
    if include_history:
        earlier = (
            ListEntry.objects.visible_to(user)
            .filter(in_subjects, published_at__isnull=False)
            .exclude(pk__in=public_entries(today).filter(in_subjects).values("pk"))
        )
        queryset = queryset | earlier
    grouped: dict[int, list[ListEntry]] = defaultdict(list)
    related = queryset.select_related("campaign", "deciding_agency").only(
        *[field.name for field in ListEntry._meta.concrete_fields],
        "campaign__title",
        "deciding_agency__name",
    )
    for entry in related.order_by("-decision_date", "-pk"):
        grouped[entry.subject_id].append(entry)
    return grouped


def _match(entry: ListEntry, subject: CreditSubject, *, matched_by: str, note: str, today) -> Match:
    labels = choice_labels()
    in_effect = (
        entry.status == ListEntry.Status.PUBLISHED
        and entry.publish_from is not None
        and entry.publish_from <= today <= entry.publish_until
    )
    status_label = labels["status"][entry.status]
    if entry.status == ListEntry.Status.PUBLISHED and not in_effect:
        status_label = "公示期满"
    return Match(
        entry_id=entry.pk,
        matched_by=matched_by,
        subject_name=subject.name,
        subject_type_label=labels["subject_type"][subject.subject_type],
        subject_key=subject.display_key,
        list=entry.list,
        list_label=labels["list"][entry.list],
        severity_label=labels["severity"].get(entry.severity, ""),
        status_label="公示中" if in_effect else status_label,
        in_effect=in_effect,
        publish_until=entry.publish_until,
        deciding_agency=entry.deciding_agency.name,
        campaign_title=entry.campaign.title,
        decision_number=entry.decision_number,
        note=note,
    )


# --- output -----------------------------------------------------------------------------------------

RESULT_HEADER = [
    "行号",
    "填写的名称",
    "填写的证件号码",
    "筛查结果",
    "匹配方式",
    "主体名称",
    "主体类型",
    "统一社会信用代码/身份证号码",
    "名单",
    "失信等级",
    "状态",
    "公示截止日期",
    "认定部门",
    "专项治理",
    "决定文书号",
    "说明",
]


def result_rows(result: ScreeningResult):
    """One line per match, or one line for a row without any."""
    for row in result.rows:
        head = [row.row.number, row.row.name, row.display_key, row.outcome]
        if not row.matches:
            yield head + [""] * 11 + [row.error]
            continue
        for match in row.matches:
            yield head + [
                match.matched_by,
                match.subject_name,
                match.subject_type_label,
                match.subject_key,
                match.list_label,
                match.severity_label,
                match.status_label,
                match.publish_until,
                match.deciding_agency,
                match.campaign_title,
                match.decision_number,
                match.note,
            ]


def result_workbook(result: ScreeningResult) -> Workbook:
    workbook = excel.new_workbook()
    excel.add_sheet(workbook, RESULT_SHEET, RESULT_HEADER, result_rows(result))
    excel.add_sheet(
        workbook,
        "汇总",
        ["项目", "数值"],
        [
            ["筛查日期", result.today],
            ["筛查行数", len(result.rows)],
            ["命中（公示中）", result.hit_count],
            ["仅有历史记录", result.history_count],
            ["未命中", result.miss_count],
            ["输入有误", result.error_count],
            ["说明", "身份证号码一律隐去第11–14位；仅按名称匹配的结果请核对证件号码。"],
        ],
    )
    return workbook


def template_workbook() -> Workbook:
    workbook = excel.new_workbook()
    excel.add_sheet(workbook, "待筛查名单", TEMPLATE_HEADER, [])
    excel.add_sheet(
        workbook,
        "填写说明",
        ["说明"],
        [
            ["第一列填写单位名称或个人姓名，第二列填写18位统一社会信用代码或身份证号码。"],
            ["填写了代码或身份证号码的，按号码精确匹配；只填名称的，按完整名称匹配，结果需核对证件号码。"],
            ["身份证号码列请设为“文本”格式，否则 Excel 会丢失末几位数字。"],
            [f"每次最多 {settings.SCREENING_MAX_ROWS} 行；第一行为表头，可保留。也可上传同样两列的 CSV 文件。"],
        ],
    )
    return workbook
