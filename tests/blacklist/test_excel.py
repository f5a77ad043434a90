"""Excel import of list entries (section 五.1): the template, every row checked, nothing written
unless all rows are valid, hostile files refused before parsing; the export keeps formulas as text."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from blacklist.excel import TEMPLATE_HEADER
from blacklist.models import CreditSubject, ListEntry, ListImport
from tests.blacklist.xlsx import (
    ENTITY_BOMB,
    declared_size_bomb,
    many_members,
    org_row,
    person_row,
    plain_zip,
    replace_member,
    row,
    with_member,
    workbook_bytes,
)
from tests.factories import ListEntryFactory, credit_code

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 2)
NOT_XLSX = "文件不是Excel工作簿（.xlsx），已拒绝。请下载导入模板，填写后以.xlsx格式保存再上传。"


def run_import(user, data: bytes, name: str = "名单.xlsx") -> ListImport:
    """Upload through the service and run the import as the task does, on TODAY."""
    from blacklist import services

    list_import = services.list_import_create(actor=user, uploaded_file=SimpleUploadedFile(name, data))
    return services.list_import_run(list_import=list_import, today=TODAY)


def assert_nothing_written():
    assert ListEntry.objects.count() == 0
    assert CreditSubject.objects.count() == 0


def test_template_header_is_exactly_the_issue_list(reporter_client):
    """The downloadable template's header row is exactly the 13 columns, in order."""
    response = reporter_client.get(reverse("blacklist:import_template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == [
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


def test_filled_template_imports(reporter):
    """The template itself, filled in, imports (text-formatted columns and the notes sheet are fine)."""
    from blacklist.excel import template_workbook

    workbook = template_workbook()
    workbook.worksheets[0].append(row())
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run_import(reporter, buffer.getvalue())
    assert (result.status, result.imported_count) == ("succeeded", 1)


def test_valid_rows_are_imported_as_proposed(reporter):
    """Valid rows of every subject kind become proposed entries of the importing agency."""
    rows = [
        row(),
        person_row(5, 身份证号码="11010519491231002x"),
        row(
            名单类型="红名单", 失信等级="", 主体类型="个体工商户", 主体名称="某便利店", 统一社会信用代码=credit_code(7)
        ),
    ]
    result = run_import(reporter, workbook_bytes(rows))
    assert result.status == "succeeded"
    assert result.imported_count == 3
    assert result.message == "已导入3条名单条目，均为“待发布”状态，等待区文明办审核发布。"
    entries = ListEntry.objects.order_by("pk")
    assert [entry.status for entry in entries] == ["proposed"] * 3
    assert {entry.proposed_by_agency.name for entry in entries} == {"区人力社保局"}
    person = CreditSubject.objects.get(subject_type="person")
    assert person.id_number_masked == "1101051949****002X"
    assert person.reveal_id_number() == "11010519491231002X"
    assert entries[0].history.get().history_change_reason == "Excel导入提出"


def test_dates_may_be_excel_dates_or_text(reporter):
    """Date cells may be real Excel dates or text such as 2025/5/20 and 2025年5月20日."""
    rows = [
        org_row(1, 决定日期=datetime.datetime(2025, 5, 20), 公示截止日期=datetime.datetime(2026, 5, 20)),
        org_row(2, 决定日期="2025/5/20", 公示截止日期="2026年5月20日"),
    ]
    assert run_import(reporter, workbook_bytes(rows)).imported_count == 2
    assert set(ListEntry.objects.values_list("decision_date", flat=True)) == {datetime.date(2025, 5, 20)}


def test_bad_rows_give_row_column_message_and_nothing_is_written(reporter):
    """Each bad cell is reported with its row and column in Chinese; no row is written."""
    rows = [
        row(),  # row 2 is valid
        org_row(3, 统一社会信用代码="91350100M000100Y4Z"),
        person_row(4, 身份证号码="110105194912310021"),
        org_row(5, 失信等级="很严重", 专项治理编号=99),
        org_row(6, 认定部门="不存在的局", 决定日期="昨天"),
        org_row(7, 公示截止日期="2028-01-01"),
        org_row(8, 名单类型="红名单"),
    ]
    result = run_import(reporter, workbook_bytes(rows))
    assert result.status == "failed"
    assert result.imported_count == 0
    assert result.message == "共7行数据，发现8处错误，未导入任何数据。请按错误报告修改后重新上传。"
    assert result.errors == [
        {"row": 3, "column": "统一社会信用代码", "message": "统一社会信用代码第18位校验位应为3，而不是Z。"},
        {"row": 4, "column": "身份证号码", "message": "身份证号码第18位校验位应为X，而不是1。"},
        {"row": 5, "column": "失信等级", "message": "“很严重”不是有效的失信等级，应为轻微、一般、较重或严重。"},
        {"row": 5, "column": "专项治理编号", "message": "专项治理编号“99”不存在，请填写1–33的编号。"},
        {"row": 6, "column": "认定部门", "message": "认定部门“不存在的局”不存在，请填写单位全称（如“区市场监管局”）。"},
        {"row": 6, "column": "决定日期", "message": "日期“昨天”无法识别，请按“2024-01-31”格式填写。"},
        {
            "row": 7,
            "column": "公示截止日期",
            "message": "一般失信的公示截止日期应在2025-08-20至2026-05-20之间（自决定日期起3至12个月）。",
        },
        {"row": 8, "column": "失信等级", "message": "红名单不填写失信等级。"},
    ]
    assert_nothing_written()


def test_id_number_typed_as_number_is_refused(reporter):
    """An ID typed as a number (Excel rounds it) is refused with advice to use a text cell."""
    result = run_import(reporter, workbook_bytes([person_row(5, 身份证号码=110105194912310020)]))
    assert result.errors == [
        {
            "row": 2,
            "column": "身份证号码",
            "message": "身份证号码单元格为数字格式，Excel会改变末尾数字；请将该列设为文本格式后重新填写。",
        }
    ]
    assert_nothing_written()


def test_same_code_under_two_names_in_one_file_is_refused(reporter):
    """One code is one subject: two names for it in one file are an error naming the first row."""
    rows = [org_row(1), org_row(1, 主体名称="另一个名字", 决定文书号="文书99号")]
    result = run_import(reporter, workbook_bytes(rows))
    assert result.errors == [
        {
            "row": 3,
            "column": "统一社会信用代码",
            "message": "与第2行的统一社会信用代码相同，但主体名称或主体类型不一致（第2行为“天津某公司1”，法人）。",
        }
    ]
    assert_nothing_written()


def test_duplicate_rows_and_existing_decisions_are_refused(reporter):
    """The same decision twice in a file, or already in the records, is refused."""
    existing = ListEntryFactory(subject__credit_code=credit_code(3), subject__name="天津某公司3")
    rows = [org_row(1), org_row(1), org_row(3, 决定文书号=existing.decision_number)]
    result = run_import(reporter, workbook_bytes(rows))
    assert result.errors == [
        {"row": 3, "column": "决定文书号", "message": "与第2行是同一认定部门、同一决定文书号的重复条目。"},
        {"row": 4, "column": "决定文书号", "message": "该主体已有同一认定部门、同一决定文书号的名单条目。"},
    ]
    assert ListEntry.objects.count() == 1


def test_existing_subject_is_reused(reporter):
    """A row with a known code attaches to the existing subject."""
    existing = ListEntryFactory(subject__credit_code=credit_code(3), subject__name="天津某公司3")
    assert run_import(reporter, workbook_bytes([org_row(3)])).imported_count == 1
    assert CreditSubject.objects.count() == 1
    assert ListEntry.objects.filter(subject=existing.subject).count() == 2


def test_reporter_rows_for_other_agency_are_refused(reporter):
    """An agency imports only entries it decided itself."""
    result = run_import(reporter, workbook_bytes([row(认定部门="区市场监管局")]))
    assert result.errors == [
        {"row": 2, "column": "认定部门", "message": "只能以本单位（区人力社保局）作为认定部门提出名单条目。"}
    ]
    assert_nothing_written()


def test_office_may_import_for_any_agency(office_user):
    """The office imports for any deciding agency; the entries still start proposed."""
    result = run_import(office_user, workbook_bytes([row(认定部门="区市场监管局", 专项治理编号=7)]))
    assert result.imported_count == 1
    assert ListEntry.objects.get().status == "proposed"


# --- Hostile and malformed files --------------------------------------------------------------


def hostile_files():
    valid = workbook_bytes([row()])
    return {
        "renamed text file": (b"\xe5\x90\x8d\xe5\x8d\x95,code\nabc,123\n", NOT_XLSX),
        "zip bomb by declared size": (
            declared_size_bomb(valid),
            "文件解压后声明大小为4096MB，超过上限200MB，疑似压缩炸弹，已拒绝。",
        ),
        "too many members": (many_members(500), "文件包含502个压缩部件，超过上限200个，疑似恶意文件，已拒绝。"),
        "xlsm with vbaProject.bin": (
            with_member(valid, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0macro"),
            "文件包含宏（VBA代码），已拒绝。请另存为不含宏的.xlsx工作簿后重新上传。",
        ),
        "macro-enabled content type": (
            replace_member(
                valid,
                "[Content_Types].xml",
                b'<Types><Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
            ),
            "文件是启用宏的工作簿，已拒绝。请另存为不含宏的.xlsx工作簿后重新上传。",
        ),
        "plain zip without a workbook": (plain_zip(), NOT_XLSX),
        "zip with workbook parts but no workbook": (
            many_members(1),
            "文件无法作为Excel工作簿读取，已拒绝。请下载导入模板重新填写。",
        ),
        "truncated zip": (valid[: len(valid) // 2], NOT_XLSX),
        "xml entity bomb": (
            replace_member(valid, "xl/worksheets/sheet1.xml", ENTITY_BOMB),
            "文件无法作为Excel工作簿读取，已拒绝。请下载导入模板重新填写。",
        ),
        "wrong header": (
            workbook_bytes([row()], header=["名单", *TEMPLATE_HEADER[1:]]),
            "表头第A列应为“名单类型”，实际为“名单”。请使用导入模板，表头依次为：" + "、".join(TEMPLATE_HEADER) + "。",
        ),
        "extra column": (
            workbook_bytes([row()], header=[*TEMPLATE_HEADER, "备注"]),
            "表头多出一列“备注”。请使用导入模板，表头依次为：" + "、".join(TEMPLATE_HEADER) + "。",
        ),
        "header only": (workbook_bytes([]), "文件中没有数据行：请在表头下方逐行填写名单条目。"),
    }


@pytest.mark.parametrize("kind", list(hostile_files()))
def test_hostile_and_malformed_files_are_refused_on_upload(reporter_client, kind):
    """Each hostile or malformed file is refused with a clear message, and nothing is written."""
    data, message = hostile_files()[kind]
    upload = SimpleUploadedFile("名单.xlsx", data)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = reporter_client.post(reverse("blacklist:import_upload"), {"file": upload})
    if response.status_code == 302:  # refused by the task after upload: the result page says why
        response = reporter_client.get(response["Location"])
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert_nothing_written()


@pytest.mark.parametrize("kind", list(hostile_files()))
def test_hostile_and_malformed_files_are_refused_by_api(reporter, kind):
    """The import API answers 400 with the same message for each hostile or malformed file."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(reporter)
    data, message = hostile_files()[kind]
    response = client.post(
        "/api/v1/list-entries/import/", {"file": SimpleUploadedFile("x.xlsx", data)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": None, "column": "", "message": message}]
    assert_nothing_written()


def test_too_many_rows_is_refused(reporter, settings):
    """More rows than LIST_IMPORT_MAX_ROWS are refused as a whole."""
    settings.LIST_IMPORT_MAX_ROWS = 2
    result = run_import(reporter, workbook_bytes([org_row(1), org_row(2), org_row(3)]))
    assert result.message == "数据行数超过每次导入上限2行，请分批导入。"
    assert_nothing_written()


def test_file_over_size_limit_is_refused(reporter_client, settings):
    """A file over LIST_IMPORT_MAX_FILE_BYTES is refused before anything else."""
    settings.LIST_IMPORT_MAX_FILE_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("big.xlsx", b"PK" + b"0" * (1024 * 1024 + 1))
    response = reporter_client.post(reverse("blacklist:import_upload"), {"file": upload})
    assert "文件大小超过1MB，已拒绝。" in response.content.decode()
    assert ListImport.objects.count() == 0


def test_ten_thousand_rows_import(reporter):
    """10,000 valid rows (persons and organisations) are checked and imported in one go."""
    rows = [person_row(n) if n % 2 else org_row(n) for n in range(1, 10_001)]
    result = run_import(reporter, workbook_bytes(rows))
    assert (result.status, result.imported_count, result.total_rows) == ("succeeded", 10_000, 10_000)
    assert ListEntry.objects.count() == 10_000
    assert CreditSubject.objects.filter(subject_type="person").count() == 5_000


# --- Error report and export -------------------------------------------------------------------


def test_error_report_page_and_download(reporter_client, reporter, django_capture_on_commit_callbacks):
    """The page lists each error with row and column, and the same report downloads as Excel."""
    upload = SimpleUploadedFile("名单.xlsx", workbook_bytes([row(), org_row(3, 统一社会信用代码="91350100M000100Y4Z")]))
    with django_capture_on_commit_callbacks(execute=True):
        response = reporter_client.post(reverse("blacklist:import_upload"), {"file": upload})
    html = reporter_client.get(response["Location"]).content.decode()
    assert "共2行数据，发现1处错误，未导入任何数据。" in html
    assert "<td>3</td><td>统一社会信用代码</td><td>统一社会信用代码第18位校验位应为3，而不是Z。</td>" in html
    list_import = ListImport.objects.get()
    download = reporter_client.get(reverse("blacklist:import_errors", args=[list_import.pk]))
    sheet = load_workbook(io.BytesIO(download.content)).worksheets[0]
    assert [[cell.value for cell in line] for line in sheet.iter_rows()] == [
        ["行号", "列", "错误说明"],
        [3, "统一社会信用代码", "统一社会信用代码第18位校验位应为3，而不是Z。"],
    ]
    assert_nothing_written()


def test_import_status_json_for_progress_bar(reporter_client, reporter):
    """The progress endpoint reports status and percentage for the polling script."""
    list_import = run_import(reporter, workbook_bytes([row()]))
    response = reporter_client.get(reverse("blacklist:import_status", args=[list_import.pk]))
    assert response.json() == {
        "status": "succeeded",
        "status_display": "已导入",
        "finished": True,
        "percent": 100,
        "processed": 1,
        "total": 1,
    }


def test_other_agency_cannot_see_import(client, reporter):
    """An import, its progress and its error report are 404 to another agency."""
    from agencies.models import Agency
    from tests.factories import UserFactory

    list_import = run_import(reporter, workbook_bytes([row(统一社会信用代码="bad")]))
    client.force_login(UserFactory(agency=Agency.objects.get(name="区市场监管局"), role="reporter"))
    for name in ("import_detail", "import_status", "import_errors"):
        assert client.get(reverse(f"blacklist:{name}", args=[list_import.pk])).status_code == 404


def test_export_writes_formula_like_text_as_text_and_masks_ids(office_client):
    """The export keeps =… as text and shows ID numbers masked only."""
    from tests.factories import PersonFactory

    ListEntryFactory(reason='=HYPERLINK("http://evil")', subject=PersonFactory(id_number="11010519491231002X"))
    response = office_client.get(reverse("blacklist:entry_export"))
    assert response.status_code == 200
    assert b"11010519491231002X" not in response.content
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [cell.value for cell in sheet[2]]
    assert "1101051949****002X" in values
    reason = sheet.cell(row=2, column=9)
    assert reason.value == '=HYPERLINK("http://evil")'
    assert reason.data_type == "s"
