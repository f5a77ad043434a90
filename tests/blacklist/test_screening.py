"""Batch screening for agency staff (section 五.2, joint punishment): /list/screening/ and the API."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from blacklist.models import ListEntry
from tests.factories import CreditSubjectFactory, PersonFactory, PublicEntryFactory, UserFactory, credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    """Replaces the list tests' cache.clear(), which empties the Redis database the other test
    process shares: these tests use client addresses of their own (``public_client``)."""
    yield


PAGE = "/list/screening/"
API = "/api/v1/screening/"
ZHANG_ID = "342301196410063224"
OTHER_ZHANG_ID = "34230119641007322X"


@pytest.fixture
def listed():
    """A black-listed company, a red-listed one, a black-listed person, a namesake, an expired entry."""
    today = timezone.localdate()
    company = PublicEntryFactory(
        subject=CreditSubjectFactory(name="天津鑫华商贸有限公司", credit_code=credit_code(901))
    )
    PublicEntryFactory(
        subject=CreditSubjectFactory(name="天津诚信企业有限公司", credit_code=credit_code(902)),
        list=ListEntry.List.RED,
        severity="",
    )
    zhang = PublicEntryFactory(
        subject=PersonFactory(name="张伟", id_number=ZHANG_ID), severity=ListEntry.Severity.SEVERE
    )
    PublicEntryFactory(subject=PersonFactory(name="张伟", id_number=OTHER_ZHANG_ID))
    PublicEntryFactory(
        subject=CreditSubjectFactory(name="天津旧案公司", credit_code=credit_code(903)),
        status=ListEntry.Status.EXPIRED,
        publish_until=today - datetime.timedelta(days=1),
        expired_at=timezone.now(),
    )
    return {"company": company, "zhang": zhang}


def xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("名单.xlsx", buffer.getvalue())


UPLOAD_ROWS = [
    ("名称或姓名", "统一社会信用代码或身份证号码"),
    ("天津鑫华商贸有限公司", credit_code(901)),
    ("张伟", ZHANG_ID),
    ("张伟", None),
    ("某公司", credit_code(901)[:17] + "0"),
    (None, None),
    ("王五", 342301196410063224),
    ("天津无关公司", credit_code(999)),
]


def test_screening_needs_an_agency_account(client, reporter, listed):
    """Anonymous visitors are sent to log in; an account without agency is refused (page and API)."""
    assert client.get(PAGE).status_code == 302
    assert client.post(API, {"rows": [{"name": "张伟"}]}, content_type="application/json").status_code == 403
    client.force_login(UserFactory(username="noagency", agency=None))
    assert client.get(PAGE).status_code == 403
    assert client.get(PAGE + "template.xlsx").status_code == 403
    assert client.post(API, {"rows": [{"name": "张伟"}]}, content_type="application/json").status_code == 403
    client.force_login(reporter)
    assert client.get(PAGE).status_code == 200


def test_upload_shows_hits_and_row_errors_with_masked_ids(reporter_client, listed):
    """Each row is matched by code or ID, or by exact name (flagged); bad rows say why, by row number."""
    response = reporter_client.post(PAGE, {"file": xlsx(UPLOAD_ROWS), "output": "html"})
    assert response.status_code == 200
    result = response.context["result"]
    outcomes = [(row.row.number, row.outcome, len(row.matches)) for row in result.rows]
    assert outcomes == [
        (2, "命中", 1),
        (3, "命中", 1),
        (4, "命中", 2),
        (5, "输入有误", 0),
        (7, "输入有误", 0),
        (8, "未命中", 0),
    ]
    by_row = {row.row.number: row for row in result.rows}
    assert by_row[2].matches[0].matched_by == "统一社会信用代码"
    zhang = by_row[3].matches[0]
    assert (zhang.matched_by, zhang.subject_key, zhang.severity_label, zhang.status_label) == (
        "身份证号码",
        "3423011964****3224",
        "严重",
        "公示中",
    )
    assert zhang.publish_until == listed["zhang"].publish_until
    assert {m.matched_by for m in by_row[4].matches} == {"仅名称（请核对证件号码）"}
    assert by_row[5].error == "统一社会信用代码第18位校验位应为" + credit_code(901)[17] + "，而不是0。"
    assert by_row[7].error.startswith("该号码在 Excel 中被存成了数字")
    html = response.content.decode()
    assert "共筛查 6 行" in html and "命中 3 行" in html and "输入有误 2 行" in html
    assert ZHANG_ID not in html and OTHER_ZHANG_ID not in html


def test_result_downloads_as_excel_with_every_row(reporter_client, listed):
    """The Excel result has one line per match and one per row without any, IDs masked."""
    response = reporter_client.post(PAGE, {"file": xlsx(UPLOAD_ROWS), "output": "xlsx"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    table = list(workbook["筛查结果"].iter_rows(values_only=True))
    assert table[0][:5] == ("行号", "填写的名称", "填写的证件号码", "筛查结果", "匹配方式")
    assert [(row[0], row[3]) for row in table[1:]] == [
        (2, "命中"),
        (3, "命中"),
        (4, "命中"),
        (4, "命中"),
        (5, "输入有误"),
        (7, "输入有误"),
        (8, "未命中"),
    ]
    zhang = table[2]
    assert (zhang[2], zhang[7], zhang[8], zhang[9], zhang[10]) == (
        "3423011964****3224",
        "3423011964****3224",
        "黑名单",
        "严重",
        "公示中",
    )
    text = "".join(str(value) for row in table for value in row)
    assert ZHANG_ID not in text and OTHER_ZHANG_ID not in text
    summary = dict(workbook["汇总"].iter_rows(min_row=2, max_col=2, values_only=True))
    assert (summary["筛查行数"], summary["命中（公示中）"], summary["输入有误"]) == (6, 3, 2)


def test_csv_upload_in_gbk(reporter_client, listed):
    """A CSV saved by Excel on Chinese Windows (GB18030) is read as well as UTF-8."""
    data = f"名称,代码\n天津鑫华商贸有限公司,{credit_code(901)}\n天津诚信企业有限公司,\n".encode("gb18030")
    response = reporter_client.post(PAGE, {"file": SimpleUploadedFile("名单.csv", data), "output": "html"})
    result = response.context["result"]
    assert [(row.row.number, row.outcome) for row in result.rows] == [(2, "命中"), (3, "命中")]
    assert result.rows[1].matches[0].list_label == "红名单"


def test_unreadable_or_too_long_input_is_refused_as_a_whole(reporter_client, settings, listed):
    """Too many rows or a file that is not a workbook: a message next to the field, nothing screened."""
    settings.SCREENING_MAX_ROWS = 3
    too_long = reporter_client.post(PAGE, {"file": xlsx([("甲公司",)] * 4), "output": "html"})
    assert too_long.context["form"].errors["file"] == ["一次最多筛查3行，请拆分后分批筛查。"]
    assert too_long.context["result"] is None
    old = reporter_client.post(PAGE, {"file": SimpleUploadedFile("名单.xls", b"\xd0\xcf\x11\xe0"), "output": "html"})
    assert old.context["form"].errors["file"] == ["不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv 后上传。"]
    fake = reporter_client.post(PAGE, {"file": SimpleUploadedFile("名单.xlsx", b"not a zip"), "output": "html"})
    assert "不是Excel工作簿" in fake.context["form"].errors["file"][0]


def test_api_screens_json_rows(reporter_client, listed):
    """POST JSON rows; the answer gives each row's outcome and matches, IDs masked."""
    rows = [{"code": ZHANG_ID}, {"name": "天津鑫华商贸有限公司"}, {"name": "无此人"}, {"code": "123"}]
    response = reporter_client.post(API, {"rows": rows}, content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert (data["rows_screened"], data["hits"], data["misses"], data["errors"]) == (4, 2, 1, 1)
    first = data["rows"][0]
    assert (first["row"], first["code"], first["outcome"]) == (1, "3423011964****3224", "命中")
    assert first["matches"][0]["subject_key"] == "3423011964****3224"
    assert first["matches"][0]["in_effect"] is True
    assert data["rows"][3]["error"] == "请填写18位统一社会信用代码或18位身份证号码。"
    assert ZHANG_ID not in response.content.decode()
    bad = reporter_client.post(API, {"rows": "张伟"}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["detail"].startswith("rows 应为数组")


def test_api_history_option_lists_earlier_entries_the_user_may_see(reporter_client, listed):
    """With include_history, an expired entry of the user's agency shows with its status."""
    rows = [{"code": credit_code(903)}]
    plain = reporter_client.post(API, {"rows": rows}, content_type="application/json").json()
    assert plain["rows"][0]["outcome"] == "未命中"
    history = reporter_client.post(API, {"rows": rows, "include_history": True}, content_type="application/json")
    row = history.json()["rows"][0]
    assert row["outcome"] == "仅有历史记录"
    assert [(m["status_label"], m["in_effect"]) for m in row["matches"]] == [("公示期满", False)]


def test_api_file_upload_and_excel_output(reporter_client, listed):
    """The API also takes the file and answers with the Excel result on request."""
    response = reporter_client.post(API + "?output=xlsx", {"file": xlsx(UPLOAD_ROWS)})
    assert response.status_code == 200
    table = list(load_workbook(io.BytesIO(response.content))["筛查结果"].iter_rows(values_only=True))
    assert len(table) == 8


def test_screening_is_set_based(reporter_client, listed):
    """Ten rows or three hundred: the same number of queries (no query per row)."""

    def queries_for(count: int) -> int:
        rows = [{"code": credit_code(1000 + n)} for n in range(count)] + [{"name": f"某公司{n}"} for n in range(count)]
        rows.append({"code": ZHANG_ID})
        with CaptureQueriesContext(connection) as captured:
            response = reporter_client.post(API, {"rows": rows}, content_type="application/json")
        assert response.json()["hits"] == 1
        return len(captured.captured_queries)

    assert queries_for(10) == queries_for(300)


def test_template_download(reporter_client):
    """Staff download a two-column template with instructions."""
    response = reporter_client.get(PAGE + "template.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert next(workbook["待筛查名单"].iter_rows(values_only=True)) == ("名称或姓名", "统一社会信用代码或身份证号码")
    assert "文本" in str(list(workbook["填写说明"].iter_rows(values_only=True)))
