"""What a user sees in the Excel export of list entries (section 五.1), and the export's SQL: one
query with joins, whatever the number of rows (issue 9 §3)."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import Agency
from blacklist import services
from blacklist.excel import entries_workbook, export_rows
from blacklist.models import ListEntry, ListExport
from blacklist.selectors import entries_for_export
from tests.factories import CreditSubjectFactory, ListEntryFactory, PersonFactory, credit_code
from xiqing_credit.excel import workbook_bytes

pytestmark = pytest.mark.django_db

FULL_ID = "11010519491231002X"
HEADER = [
    "编号",
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
    "状态",
    "公示开始日期",
    "提出单位",
    "提出时间",
    "移出时间",
    "移出原因",
]


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def removed_person_entry() -> ListEntry:
    """A removed black-list entry of a natural person, with formula-like text in three columns."""
    entry = ListEntryFactory(
        subject=PersonFactory(name="王某", id_number=FULL_ID),
        severity=ListEntry.Severity.SEVERE,
        reason='=HYPERLINK("http://evil")',
        basis="+《保障农民工工资支付条例》第五十六条",
        decision_number="西青人社罚〔2025〕7号",
        decision_date=datetime.date(2025, 1, 10),
        publish_from=datetime.date(2025, 1, 12),
        publish_until=datetime.date(2026, 1, 10),
        status=ListEntry.Status.REMOVED,
        proposed_by_agency=Agency.objects.get(name="区市场监管局"),
        removed_at=utc(2025, 3, 1, 16, 30),  # 00:30 on 2 March in Xiqing
        removal_reason="-认定决定被依法撤销",
    )
    # proposed_at is auto_now_add, so it is set afterwards: 02:30 UTC is 10:30 in Xiqing.
    ListEntry.objects.filter(pk=entry.pk).update(proposed_at=utc(2025, 1, 10, 2, 30))
    return entry


def test_exported_row_is_what_the_list_page_shows(office_client):
    """Header, Chinese labels, the masked ID only, local wall-clock times, dates, and formula-like
    text written as text (never as a formula) in every column where people type it."""
    entry = removed_person_entry()
    response = office_client.get(reverse("blacklist:entry_export"))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert FULL_ID not in sheet_xml
    assert "<f>" not in sheet_xml
    sheet = sheet_of(response.content)
    assert [cell.value for cell in sheet[1]] == HEADER
    assert [cell.value for cell in sheet[2]] == [
        entry.pk,
        "黑名单",
        "自然人",
        "王某",
        None,
        "1101051949****002X",
        8,
        "严重",
        '=HYPERLINK("http://evil")',
        "+《保障农民工工资支付条例》第五十六条",
        "区人力社保局",
        "西青人社罚〔2025〕7号",
        datetime.datetime(2025, 1, 10),
        datetime.datetime(2026, 1, 10),
        "已移出",
        datetime.datetime(2025, 1, 12),
        "区市场监管局",
        datetime.datetime(2025, 1, 10, 10, 30),
        datetime.datetime(2025, 3, 2, 0, 30),
        "-认定决定被依法撤销",
    ]
    for column in (9, 10, 20):
        assert sheet.cell(row=2, column=column).data_type == "s"
        assert sheet.cell(row=2, column=column).quotePrefix
    assert sheet.cell(row=2, column=7).data_type == "n"


def test_export_of_an_organisation_and_the_red_list(office_client):
    """An organisation shows its credit code and no ID; a red-list entry no severity; the rows come
    in the list page's order (newest decision first)."""
    older = ListEntryFactory(
        subject=CreditSubjectFactory(name="天津甲建筑劳务有限公司", credit_code=credit_code(41)),
        decision_date=datetime.date(2024, 12, 1),
    )
    newer = ListEntryFactory(
        subject=CreditSubjectFactory(name="天津乙物业有限公司", credit_code=credit_code(42)),
        list=ListEntry.List.RED,
        severity="",
        decision_date=datetime.date(2025, 2, 1),
    )
    rows = list(sheet_of(office_client.get(reverse("blacklist:entry_export")).content).iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [newer.pk, older.pk]
    assert rows[1][1:8] == ("红名单", "法人", "天津乙物业有限公司", credit_code(42), None, 8, None)
    assert rows[2][1:8] == ("黑名单", "法人", "天津甲建筑劳务有限公司", credit_code(41), None, 8, "一般")
    assert rows[1][14] == "待发布"


def make_entries(count: int) -> None:
    """Entries on different subjects (persons and organisations), campaigns and agencies."""
    agencies = list(Agency.objects.exclude(name="区文明办").order_by("pk")[:3])
    for n in range(count):
        ListEntryFactory(
            subject=PersonFactory() if n % 2 else CreditSubjectFactory(),
            campaign=_campaign(n),
            deciding_agency=agencies[n % 3],
            proposed_by_agency=agencies[(n + 1) % 3],
        )


def _campaign(n: int):
    from campaigns.models import Campaign

    return Campaign.objects.get(number=1 + n % 19)


@pytest.mark.parametrize("count", [1, 7])
def test_export_reads_its_rows_in_one_query(office_user, django_assert_num_queries, count):
    """One SELECT joining subject, campaign and both agencies, however many rows: no query per row."""
    make_entries(count)
    entries = entries_for_export(office_user, {})
    with django_assert_num_queries(1) as captured:
        content = workbook_bytes(entries_workbook(export_rows(entries)))
    assert captured.captured_queries[0]["sql"].count(" INNER JOIN ") == 4
    assert sheet_of(content).max_row == count + 1


def test_filtered_export_of_a_reporter_reuses_the_joins(reporter, django_assert_num_queries):
    """The list page's filters and a reporter's visibility add conditions to the same query."""
    ListEntryFactory(subject=CreditSubjectFactory(name="天津本单位企业"))
    ListEntryFactory(subject=CreditSubjectFactory(name="天津别的企业"))
    ListEntryFactory(
        subject=CreditSubjectFactory(name="天津外单位企业"), deciding_agency=Agency.objects.get(name="区市场监管局")
    )
    entries = entries_for_export(reporter, {"q": "本单位", "list": "black"})
    with django_assert_num_queries(1) as captured:
        content = workbook_bytes(entries_workbook(export_rows(entries)))
    assert captured.captured_queries[0]["sql"].count(" INNER JOIN ") == 4
    assert [row[3] for row in sheet_of(content).iter_rows(min_row=2, values_only=True)] == ["天津本单位企业"]


@pytest.mark.parametrize("count", [1, 7])
def test_export_download_query_count_is_fixed(office_client, django_assert_num_queries, count):
    """The immediate download runs the same queries for 1 and for many entries."""
    make_entries(count)
    # session, user, COUNT, the export's SELECT, and the session saved (savepoint, UPDATE, release)
    with django_assert_num_queries(7):
        response = office_client.get(reverse("blacklist:entry_export"))
    assert sheet_of(response.content).max_row == count + 1


@pytest.mark.parametrize("count", [1, 7])
def test_background_export_query_count_is_fixed(office_user, django_assert_num_queries, count):
    """The background job's queries do not grow with rows (below one progress step of 2000)."""
    make_entries(count)
    list_export = ListExport.objects.create(created_by=office_user, query={})
    # COUNT, status to running, refresh, the export's SELECT, the result saved
    with django_assert_num_queries(5):
        list_export = services.list_export_run(list_export=list_export)
    assert (list_export.status, list_export.total_rows, list_export.processed_rows) == ("succeeded", count, count)
