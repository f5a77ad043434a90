"""The public change log /credit/changes/ and the open-data files (CSV, JSON, XLSX)."""

import csv
import datetime
import io
import json
from urllib.parse import quote

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from blacklist.models import ListEntry
from blacklist.tasks import build_open_data
from tests.factories import CreditSubjectFactory, PersonFactory, PublicEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    """Replaces the list tests' cache.clear(), which empties the Redis database the other test
    process shares: these tests use client addresses of their own (``public_client``)."""
    yield


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def at_days_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)


def org(name: str, **values):
    return PublicEntryFactory(subject=CreditSubjectFactory(name=name), **values)


def rows(response) -> list[tuple[str, str, str]]:
    return [
        (change.date.isoformat(), change.label, change.entry.subject_name) for change in response.context["changes"]
    ]


@pytest.fixture
def changes():
    """One entry of each kind of change, some of them before the date asked for."""
    org("天津新列入公司", publish_from=days_ago(10), decision_date=days_ago(12))
    org("天津早列入公司", publish_from=days_ago(40), decision_date=days_ago(41))
    org(
        "天津移出公司",
        publish_from=days_ago(40),
        decision_date=days_ago(41),
        status=ListEntry.Status.REMOVED,
        removed_at=at_days_ago(3),
        removal_reason="认定部门撤销处罚决定",
    )
    org(
        "天津修复公司",
        publish_from=days_ago(40),
        decision_date=days_ago(41),
        status=ListEntry.Status.REPAIRED,
        repaired_at=at_days_ago(2),
    )
    org("天津期满公司", publish_from=days_ago(60), decision_date=days_ago(61), publish_until=days_ago(5))
    org(
        "天津未发布即撤回公司",
        status=ListEntry.Status.REMOVED,
        publish_from=None,
        published_at=None,
        removed_at=at_days_ago(1),
        removal_reason="提出有误",
    )
    PublicEntryFactory(subject=PersonFactory(name="张伟", id_number="342301196410063224"), publish_from=days_ago(8))


def test_change_log_lists_listed_removed_repaired_and_expired_since_a_date(public_client, changes):
    """Every change since the date, newest first; entries never published take no part."""
    response = public_client.get("/credit/changes/", {"since": days_ago(30).isoformat()})
    assert rows(response) == [
        (days_ago(2).isoformat(), "信用修复", "天津修复公司"),
        (days_ago(3).isoformat(), "移出名单", "天津移出公司"),
        (days_ago(5).isoformat(), "公示期满", "天津期满公司"),
        (days_ago(8).isoformat(), "列入公示", "张*"),
        (days_ago(10).isoformat(), "列入公示", "天津新列入公司"),
    ]
    html = response.content.decode()
    assert f"{days_ago(30).isoformat()} 至 {timezone.localdate().isoformat()} 的变动" in html
    assert "天津早列入公司" not in html and "天津未发布即撤回公司" not in html


def test_change_log_links_only_entries_still_public(public_client, changes):
    """A listed organisation links to its page; removed, repaired, expired entries and persons do not."""
    response = public_client.get("/credit/changes/", {"since": days_ago(30).isoformat()})
    links = {change.entry.subject_name: change.entry.detail_url for change in response.context["changes"]}
    assert links["天津新列入公司"].startswith("/credit/")
    assert links["天津移出公司"] == links["天津修复公司"] == links["天津期满公司"] == links["张*"] == ""


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("2026/01/01", "请按“年-月-日”填写日期"),
        ("2026-02-30", "请按“年-月-日”填写日期"),
        ("2000-01-01", "最多可查询一年内的变动"),
    ],
)
def test_change_log_explains_a_bad_date(public_client, since, message):
    """A malformed or too early date gets a message next to the field and no list."""
    response = public_client.get("/credit/changes/", {"since": since})
    assert message in response.content.decode()
    assert response.context["changes"] == []


def test_change_log_pages_by_fifty(public_client):
    """Fifty changes a page with a link to the next; no total count is needed."""
    for n in range(51):
        org(f"天津分页{n}公司", publish_from=days_ago(1))
    response = public_client.get("/credit/changes/")
    assert len(response.context["changes"]) == 50
    assert response.context["next_link"] == "?page=2"
    second = public_client.get("/credit/changes/", {"page": 2})
    assert len(second.context["changes"]) == 1 and second.context["next_link"] == ""


def test_change_log_pages_through_every_kind_in_order(public_client):
    """Paging through changes of all four kinds gives each once, newest first (each kind is read
    from its own index and cut at the page's end: nothing may fall between the pages)."""
    expected = []
    for n in range(30):
        kind = n % 4
        name = f"天津翻页{n:02d}公司"
        if kind == 0:
            org(name, publish_from=days_ago(n), decision_date=days_ago(n + 1))
            expected.append((days_ago(n).isoformat(), "列入公示", name))
        elif kind == 1:
            org(name, publish_from=days_ago(200), decision_date=days_ago(201), publish_until=days_ago(n))
            expected.append((days_ago(n).isoformat(), "公示期满", name))
        else:
            # 00:30 local time (the previous day in UTC): the change belongs to the local day.
            when = timezone.make_aware(datetime.datetime.combine(days_ago(n), datetime.time(0, 30)))
            status = ListEntry.Status.REMOVED if kind == 2 else ListEntry.Status.REPAIRED
            stamp = {"removed_at": when, "removal_reason": "撤销"} if kind == 2 else {"repaired_at": when}
            org(name, publish_from=days_ago(200), decision_date=days_ago(201), status=status, **stamp)
            expected.append((days_ago(n).isoformat(), "移出名单" if kind == 2 else "信用修复", name))
    for n in range(30, 55):  # same day as change 0: ties are broken by the newest entry first
        org(f"天津同日{n}公司", publish_from=days_ago(0), decision_date=days_ago(1))
    pages, page = [], 1
    while True:
        response = public_client.get("/credit/changes/", {"since": days_ago(60).isoformat(), "page": page})
        pages += rows(response)
        if not response.context["next_link"]:
            break
        page += 1
    assert page == 2 and len(pages) == 55
    assert [row for row in pages if "翻页" in row[2]] == expected
    assert len(set(pages)) == 55 and pages == sorted(pages, key=lambda row: row[0], reverse=True)


# --- Open data ------------------------------------------------------------------------------------------


@pytest.fixture
def public_lists():
    org("天津鑫华商贸有限公司", reason='=HYPERLINK("http://evil")')
    org("天津诚信企业有限公司", list=ListEntry.List.RED, severity="", reason="诚信经营")
    org("天津已移出公司", status=ListEntry.Status.REMOVED, removed_at=timezone.now(), removal_reason="撤销")
    PublicEntryFactory(subject=PersonFactory(name="欧阳娜娜", id_number="342301196410063224"))


@pytest.fixture
def built(public_lists, private_cache):
    """The day's files, built by the job as the worker does after midnight (a cache of the test's own:
    the build's lock and the lists' version are not shared with the other test process)."""
    assert build_open_data.delay().get().startswith("open data: 3 entries as of ")


def download(client, fmt: str):
    response = client.get(f"/credit/open-data/list-entries.{fmt}")
    assert response.status_code == 200, response.status_code
    return response, b"".join(response.streaming_content)


def test_open_data_csv(public_client, built):
    """CSV with a BOM and Chinese headings, the current public entries, formulas kept as text."""
    response, content = download(public_client, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''" + quote(f"西青区红黑榜公开数据-{timezone.localdate().isoformat()}.csv")
    )
    assert response["Content-Length"] == str(len(content))
    text = content.decode("utf-8")
    assert text.startswith("\ufeff编号,名单类型,主体类型,主体名称,统一社会信用代码,专项治理")
    table = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert sorted(row["主体名称"] for row in table) == ["天津诚信企业有限公司", "天津鑫华商贸有限公司", "欧***"]
    company = next(row for row in table if row["主体名称"] == "天津鑫华商贸有限公司")
    assert company["列入原因"] == '\'=HYPERLINK("http://evil")'
    assert company["统一社会信用代码"]
    assert next(row for row in table if row["主体名称"] == "欧***")["统一社会信用代码"] == ""


def test_open_data_json(public_client, built):
    """JSON with English field names and the date of the list."""
    response, content = download(public_client, "json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(content)
    assert data["date"] == timezone.localdate().isoformat()
    assert data["fields"][:4] == ["id", "list", "subject_type", "subject_name"]
    assert [entry["list"] for entry in data["entries"]] == ["红名单", "黑名单", "黑名单"]
    assert sorted(entry["subject_name"] for entry in data["entries"]) == [
        "天津诚信企业有限公司",
        "天津鑫华商贸有限公司",
        "欧***",
    ]


def test_open_data_xlsx(public_client, built):
    """An Excel workbook of the same rows; text that looks like a formula stays text."""
    response, content = download(public_client, "xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:4] == ("编号", "名单类型", "主体类型", "主体名称")
    assert sorted(row[3] for row in table[1:]) == ["天津诚信企业有限公司", "天津鑫华商贸有限公司", "欧***"]
    reason = next(row for row in sheet.iter_rows(min_row=2) if row[3].value == "天津鑫华商贸有限公司")[7]
    assert reason.data_type == "s" and reason.value.startswith("=HYPERLINK")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_before_the_first_build_csv_and_json_stream_the_same_bytes(
    public_client, public_lists, busy_worker, private_cache, fmt
):
    """Until the day's files are built, CSV and JSON are made while sent, byte for byte the file to come."""
    response = public_client.get(f"/credit/open-data/list-entries.{fmt}")
    assert response.status_code == 200 and response.streaming
    streamed = b"".join(response.streaming_content)
    assert len(busy_worker) == 1
    busy_worker.run()
    _response, built_file = download(public_client, fmt)
    assert streamed == built_file


def test_unknown_open_data_format_is_404(public_client):
    """Only csv, json and xlsx exist."""
    assert public_client.get("/credit/open-data/list-entries.xml").status_code == 404
