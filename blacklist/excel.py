"""Excel of list entries (section 五.1): the import template, refusing hostile files before they
are parsed, reading rows, the per-row error report and the export.

openpyxl parses XML through defusedxml (installed), so entity tricks are refused; size and
structure limits are checked here on the zip's central directory before openpyxl opens it.
"""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from agencies.models import Agency, AgencyAlias
from campaigns.models import Campaign
from xiqing_credit.excel import add_sheet, new_workbook

from .models import CreditSubject, ListEntry
from .services import EntryInput

TEMPLATE_HEADER = [
    "名单类型",
    "主体类型",
    "主体名称",
    "统一社会信用代码",
    "身份证号码",
    "专项治理编号",
    "失信等级",
    "列入原因",
    "认定依据",
    "认定部门",
    "决定文书号",
    "决定日期",
    "公示截止日期",
]
FIELDS = [
    "list",
    "subject_type",
    "name",
    "credit_code",
    "id_number",
    "campaign",
    "severity",
    "reason",
    "basis",
    "deciding_agency",
    "decision_number",
    "decision_date",
    "publish_until",
]
COLUMN_OF_FIELD = dict(zip(FIELDS, TEMPLATE_HEADER, strict=True))
ERROR_REPORT_HEADER = ["行号", "列", "错误说明"]
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (hostile, not a workbook, wrong header)."""


def _labels(choices) -> dict[str, str]:
    """Accept the Chinese label or the API value of a choice, e.g. 黑名单 or black."""
    mapping = {}
    for value, label in choices:
        mapping[str(label)] = value
        mapping[value] = value
    return mapping


LIST_VALUES = {**_labels(ListEntry.List.choices), "红": "red", "黑": "black"}
SUBJECT_TYPE_VALUES = _labels(CreditSubject.SubjectType.choices)
SEVERITY_VALUES = _labels(ListEntry.Severity.choices)


# --- Refusing hostile files -----------------------------------------------------------------------


def check_workbook_archive(fileobj) -> None:
    """Refuse, without parsing any XML, a file that is not an .xlsx workbook or looks hostile:
    not a zip, too many members, a declared uncompressed size over the limit, encrypted members,
    macros (vbaProject.bin / macro-enabled content types). Raises ``ImportFileError``."""
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(0)
    limit_mb = settings.LIST_IMPORT_MAX_FILE_BYTES // (1024 * 1024)
    if size > settings.LIST_IMPORT_MAX_FILE_BYTES:
        raise ImportFileError(f"文件大小超过{limit_mb}MB，已拒绝。")
    if not zipfile.is_zipfile(fileobj):
        raise ImportFileError("文件不是Excel工作簿（.xlsx），已拒绝。请下载导入模板，填写后以.xlsx格式保存再上传。")
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError("文件已损坏，无法作为Excel工作簿读取，已拒绝。") from None
    finally:
        fileobj.seek(0)
    if len(members) > settings.LIST_IMPORT_MAX_MEMBERS:
        raise ImportFileError(
            f"文件包含{len(members)}个压缩部件，超过上限{settings.LIST_IMPORT_MAX_MEMBERS}个，疑似恶意文件，已拒绝。"
        )
    declared = sum(member.file_size for member in members)
    if declared > settings.LIST_IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            f"文件解压后声明大小为{declared // (1024 * 1024)}MB，超过上限"
            f"{settings.LIST_IMPORT_MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}MB，疑似压缩炸弹，已拒绝。"
        )
    names = {member.filename for member in members}
    if any(member.flag_bits & 0x1 for member in members):
        raise ImportFileError("文件已加密或设置了密码，无法读取，已拒绝。请取消密码后重新上传。")
    if any(name.lower().endswith(("vbaproject.bin", "vbadata.xml")) for name in names):
        raise ImportFileError("文件包含宏（VBA代码），已拒绝。请另存为不含宏的.xlsx工作簿后重新上传。")
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportFileError("文件不是Excel工作簿（.xlsx），已拒绝。请下载导入模板，填写后以.xlsx格式保存再上传。")
    with zipfile.ZipFile(fileobj) as archive:
        content_types = archive.read("[Content_Types].xml") if declared else b""
    fileobj.seek(0)
    if b"macroEnabled" in content_types or b"vbaProject" in content_types:
        raise ImportFileError("文件是启用宏的工作簿，已拒绝。请另存为不含宏的.xlsx工作簿后重新上传。")


# --- Reading rows -----------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    """One data row: its Excel row number, the values read, and the cells that could not be read."""

    number: int
    data: EntryInput
    errors: list[tuple[str, str]] = field(default_factory=list)


UNREADABLE = "文件无法作为Excel工作簿读取，已拒绝。请下载导入模板重新填写。"


def read_entry_rows(fileobj, *, progress: Callable[[int, int], None] | None = None) -> list[ParsedRow]:
    """Every non-empty row of the first sheet, after checking the archive and the header row."""
    check_workbook_archive(fileobj)
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a broken workbook; all mean the same here
        raise ImportFileError(UNREADABLE) from None
    try:
        parsed = _read_rows(workbook, progress)
    except ImportFileError:
        raise
    except Exception:  # read-only sheets are parsed while iterating: XML refused by defusedxml lands here
        raise ImportFileError(UNREADABLE) from None
    finally:
        workbook.close()
    if not parsed:
        raise ImportFileError("文件中没有数据行：请在表头下方逐行填写名单条目。")
    return parsed


def _read_rows(workbook, progress) -> list[ParsedRow]:
    if not workbook.worksheets:
        raise ImportFileError(UNREADABLE)
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    _check_header(next(rows, None))
    # The sheet's declared dimension is only an estimate (formatted empty rows count): progress only.
    total = min(max((sheet.max_row or 1) - 1, 0), settings.LIST_IMPORT_MAX_ROWS)
    parser = _RowParser()
    parsed: list[ParsedRow] = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(_blank(value) for value in values[: len(FIELDS)]):
            continue
        if len(parsed) >= settings.LIST_IMPORT_MAX_ROWS:
            raise ImportFileError(f"数据行数超过每次导入上限{settings.LIST_IMPORT_MAX_ROWS}行，请分批导入。")
        parsed.append(parser.parse(number, values))
        if progress and len(parsed) % 500 == 0:
            progress(len(parsed), max(total, len(parsed)))
    return parsed


def _check_header(header) -> None:
    expected = "、".join(TEMPLATE_HEADER)
    if header is None:
        raise ImportFileError(f"第1行应为表头：{expected}。")
    actual = [str(value).strip() if value is not None else "" for value in header]
    while actual and not actual[-1]:
        actual.pop()
    for position, name in enumerate(TEMPLATE_HEADER):
        found = actual[position] if position < len(actual) else ""
        if found != name:
            column = _column_letter(position)
            raise ImportFileError(
                f"表头第{column}列应为“{name}”，实际为“{found}”。请使用导入模板，表头依次为：{expected}。"
            )
    if len(actual) > len(TEMPLATE_HEADER):
        extra = actual[len(TEMPLATE_HEADER)]
        raise ImportFileError(f"表头多出一列“{extra}”。请使用导入模板，表头依次为：{expected}。")


def _column_letter(position: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _RowParser:
    """Turns raw cell values into ``EntryInput``; lookups of campaigns and agencies run once."""

    def __init__(self) -> None:
        self.campaigns = {campaign.number: campaign for campaign in Campaign.objects.all()}
        self.agencies = {agency.name: agency for agency in Agency.objects.all()}
        for alias in AgencyAlias.objects.select_related("agency"):
            self.agencies.setdefault(alias.name, alias.agency)

    def parse(self, number: int, values) -> ParsedRow:
        cells = dict(zip(FIELDS, list(values[: len(FIELDS)]) + [None] * (len(FIELDS) - len(values)), strict=True))
        row = ParsedRow(number=number, data=EntryInput())
        data = row.data

        def error(name: str, message: str) -> None:
            row.errors.append((name, message))

        data.list = self._choice(cells["list"], LIST_VALUES, "list", "红名单或黑名单", error)
        data.subject_type = self._choice(
            cells["subject_type"], SUBJECT_TYPE_VALUES, "subject_type", "自然人、法人、非法人组织或个体工商户", error
        )
        data.severity = self._choice(cells["severity"], SEVERITY_VALUES, "severity", "轻微、一般、较重或严重", error)
        for name in ("name", "reason", "basis", "decision_number", "credit_code"):
            setattr(data, name, _text(cells[name]))
        if isinstance(cells["id_number"], int | float):
            error("id_number", "身份证号码单元格为数字格式，Excel会改变末尾数字；请将该列设为文本格式后重新填写。")
        else:
            data.id_number = _text(cells["id_number"])
        campaign = cells["campaign"]
        if not _blank(campaign):
            try:
                data.campaign = self.campaigns[int(_text(campaign))]
            except (KeyError, ValueError):
                error("campaign", f"专项治理编号“{_text(campaign)}”不存在，请填写1–{max(self.campaigns)}的编号。")
        agency = _text(cells["deciding_agency"])
        if agency:
            data.deciding_agency = self.agencies.get(agency)
            if data.deciding_agency is None:
                error("deciding_agency", f"认定部门“{agency}”不存在，请填写单位全称（如“区市场监管局”）。")
        data.decision_date = _date(cells["decision_date"], "decision_date", error)
        data.publish_until = _date(cells["publish_until"], "publish_until", error)
        return row

    @staticmethod
    def _choice(value, mapping: dict[str, str], name: str, allowed: str, error) -> str:
        text = _text(value)
        if not text:
            return ""
        if text not in mapping:
            error(name, f"“{text}”不是有效的{COLUMN_OF_FIELD[name]}，应为{allowed}。")
            return ""
        return mapping[text]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value, name: str, error) -> datetime.date | None:
    if _blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 a calendar date, no time
        except ValueError:
            continue
    error(name, f"日期“{text}”无法识别，请按“2024-01-31”格式填写。")
    return None


# --- Writing ----------------------------------------------------------------------------------------


def template_workbook() -> Workbook:
    """The import template: the exact header row, text format for codes and IDs, drop-down lists,
    and a sheet of instructions with the publicity ranges."""
    from .selectors import publicity_rules

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名单条目"
    sheet.append(TEMPLATE_HEADER)
    widths = [10, 12, 28, 22, 22, 12, 10, 40, 40, 20, 24, 14, 14]
    for position, width in enumerate(widths):
        letter = _column_letter(position)
        sheet.column_dimensions[letter].width = width
        sheet[f"{letter}1"].font = Font(bold=True)
    for letter in ("D", "E", "K"):
        # Codes and IDs are text: as numbers Excel would round 18-digit IDs.
        sheet.column_dimensions[letter].number_format = "@"
        for row in range(2, 1002):
            sheet[f"{letter}{row}"].number_format = "@"
    for letter, options in (
        ("A", "红名单,黑名单"),
        ("B", "自然人,法人,非法人组织,个体工商户"),
        ("G", "轻微,一般,较重,严重"),
    ):
        validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        validation.add(f"{letter}2:{letter}20001")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 110
    lines = [
        "名单条目导入模板（《行动方案》五.1 诚信“红黑榜”）",
        "1. 只填写第一个工作表，表头不得修改；每行一个名单条目，全部行均无误时才会导入。",
        "2. 名单类型：红名单或黑名单；主体类型：自然人、法人、非法人组织、个体工商户。",
        "3. 自然人填写18位身份证号码，不填统一社会信用代码；其他主体填写18位统一社会信用代码。",
        "4. 专项治理编号：《行动方案》中的编号（如拖欠工资专项治理为8）。",
        "5. 失信等级：黑名单必填（轻微、一般、较重、严重），红名单不填。",
        "6. 认定部门：单位全称；单位填报员只能填写本单位。",
        "7. 日期格式：2024-01-31。公示截止日期自决定日期起算，须在以下范围内：",
    ]
    lines += [f"   · {rule.describe()}" for rule in publicity_rules().values()]
    lines.append("8. 导入的条目均为“待发布”状态，由区文明办审核后发布。")
    for line in lines:
        notes.append([line])
    notes["A1"].font = Font(bold=True)
    for row in notes.iter_rows():
        row[0].alignment = Alignment(wrap_text=True)
    return workbook


def error_report_workbook(errors: Iterable[dict], filename: str = "") -> Workbook:
    """The per-row error report of an import: row number, column, message."""
    workbook = new_workbook()
    rows = ([error["row"] or "", error["column"], error["message"]] for error in errors)
    add_sheet(workbook, "错误报告", ERROR_REPORT_HEADER, rows)
    return workbook


EXPORT_HEADER = [
    "编号",
    *TEMPLATE_HEADER,
    "状态",
    "公示开始日期",
    "提出单位",
    "提出时间",
    "移出时间",
    "移出原因",
]


# The database columns behind EXPORT_HEADER, in its order, read through joins as plain values.
EXPORT_FIELDS = [
    "pk",
    "list",
    "subject__subject_type",
    "subject__name",
    "subject__credit_code",
    "subject__id_number_masked",  # the masked ID only: the export never decrypts anything
    "campaign__number",
    "severity",
    "reason",
    "basis",
    "deciding_agency__name",
    "decision_number",
    "decision_date",
    "publish_until",
    "status",
    "publish_from",
    "proposed_by_agency__name",
    "proposed_at",
    "removed_at",
    "removal_reason",
]
EXPORT_FIELD_COLUMNS = dict(zip(EXPORT_FIELDS, EXPORT_HEADER, strict=True))  # fails on import if they drift apart
# The only columns whose text comes from people (never NULL: "" for none) and so may look like a
# formula; choice labels, numbers and dates are the portal's own.
EXPORT_TEXT_COLUMNS = tuple(
    EXPORT_FIELDS.index(name)
    for name in (
        "subject__name",
        "subject__credit_code",
        "subject__id_number_masked",
        "reason",
        "basis",
        "deciding_agency__name",
        "decision_number",
        "proposed_by_agency__name",
        "removal_reason",
    )
)
EXPORT_CHUNK_ROWS = 2000


def export_rows(entries: QuerySet[ListEntry]) -> Iterator[tuple]:
    """The ``EXPORT_FIELDS`` of ``entries`` (``selectors.entries_for_export``: what the user may
    see, filtered as the list page filters) as plain tuples in the list's order, streamed from a
    server-side cursor: one query joining the subject, campaign and both agencies, and no model
    instance per row (section 五.1 export; issue 9 §3, ``bench/export.py``)."""
    return entries.values_list(*EXPORT_FIELDS).iterator(chunk_size=EXPORT_CHUNK_ROWS)


def entries_workbook(rows: Iterable[tuple]) -> Workbook:
    """Export of list entries (section 五.1) from ``export_rows``: ID numbers masked, formula-like
    text kept as text, choices as their Chinese labels, times as Asia/Shanghai wall-clock time.

    Choice labels are translated once per export, not once per cell (``get_FOO_display`` per row
    doubled the export's time), and only the text columns are checked for formulas (issue 9 §3)."""
    from django.utils import timezone

    def labels(choices) -> dict[str, str]:
        return {value: str(label) for value, label in choices}

    lists = labels(ListEntry.List.choices)
    subject_types = labels(CreditSubject.SubjectType.choices)
    severities = labels(ListEntry.Severity.choices)
    statuses = labels(ListEntry.Status.choices)
    zone = timezone.get_current_timezone()

    def sheet_rows():
        for (
            pk,
            list_,
            subject_type,
            name,
            credit_code,
            id_number_masked,
            campaign_number,
            severity,
            reason,
            basis,
            deciding_agency,
            decision_number,
            decision_date,
            publish_until,
            status,
            publish_from,
            proposed_by_agency,
            proposed_at,
            removed_at,
            removal_reason,
        ) in rows:
            yield [
                pk,
                lists.get(list_, list_),
                subject_types.get(subject_type, subject_type),
                name,
                credit_code,
                id_number_masked,
                campaign_number,
                severities.get(severity, severity),
                reason,
                basis,
                deciding_agency,
                decision_number,
                decision_date,
                publish_until,
                statuses.get(status, status),
                publish_from,
                proposed_by_agency,
                # Excel has no time zones: local wall-clock time, naive.
                proposed_at.astimezone(zone).replace(tzinfo=None) if proposed_at else None,
                removed_at.astimezone(zone).replace(tzinfo=None) if removed_at else None,
                removal_reason,
            ]

    workbook = new_workbook()
    add_sheet(workbook, "红黑名单", EXPORT_HEADER, sheet_rows(), text_columns=EXPORT_TEXT_COLUMNS)
    return workbook
