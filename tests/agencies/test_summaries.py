"""The monthly supervision summary: sent once on its day, with the Excel attached, kept for download."""

import datetime
import io
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import Agency, EmailDelivery, Notification, SupervisionSummary
from agencies.summaries import supervision_summary_send
from agencies.tasks import send_supervision_summary
from tests.agencies.conftest import at
from tests.factories import SupervisionOrderFactory, UserFactory

MAY = datetime.date(2025, 5, 1)
SUMMARY_DAY = datetime.date(2025, 6, 6)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def may_activity(db, make_report, office_user):
    """May 2025: one report on time, one late, the rest never filed; two open rectification orders."""
    make_report(8, "区人力社保局", MAY)
    make_report(8, "区发展改革委", MAY, submitted_at=at(datetime.date(2025, 6, 6), 9))
    agency = Agency.objects.get(name="区人力社保局")
    SupervisionOrderFactory(
        agency=agency, issued_by=office_user, title="欠薪线索核查", deadline=datetime.date(2025, 6, 3)
    )
    SupervisionOrderFactory(
        agency=agency, issued_by=office_user, title="失信名单更新", deadline=datetime.date(2025, 6, 20)
    )


def test_nothing_before_the_summary_day(office_user):
    """On the 5th (the due date) the summary of May is not sent yet."""
    result = supervision_summary_send(today=datetime.date(2025, 6, 5))
    assert str(result) == "supervision summaries sent: 0 (month 2025-05: not before day 6)"
    assert not SupervisionSummary.objects.exists()


def test_summary_goes_out_once_on_its_day(may_activity, office_user, django_capture_on_commit_callbacks):
    """On the 6th every office reviewer gets it once; the next days send nothing more."""
    office_user.email = "office@xiqing.example"
    office_user.save()
    UserFactory(agency=office_user.agency, role="office", username="office2", email="office2@xiqing.example")
    with django_capture_on_commit_callbacks(execute=True):
        first = supervision_summary_send(today=SUMMARY_DAY)
    assert str(first) == "supervision summaries sent: 1 (month 2025-05, office reviewers: 2, emails queued: 2)"
    for later in (SUMMARY_DAY, datetime.date(2025, 6, 7), datetime.date(2025, 6, 30)):
        assert supervision_summary_send(today=later).reason == "already sent"
    assert SupervisionSummary.objects.count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["office2@xiqing.example", "office@xiqing.example"]


def test_missed_day_is_caught_up(may_activity, office_user):
    """If the job did not run on the 6th, the 7th sends May's summary."""
    assert supervision_summary_send(today=datetime.date(2025, 6, 7)).sent == 1
    assert SupervisionSummary.objects.get().month == MAY


def test_email_is_html_with_the_excel_attached(may_activity, office_user, django_capture_on_commit_callbacks):
    """The email has a plain and an HTML body, and the workbook named after the month."""
    office_user.email = "office@xiqing.example"
    office_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        supervision_summary_send(today=SUMMARY_DAY)
    (message,) = mail.outbox
    assert message.subject == "2025年5月诚信建设工作督查汇总"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<h2" in html and "逾期未报" in html
    (name, content, attachment_type) = message.attachments[0]
    assert name == "西青区诚信建设月度督查汇总-2025-05.xlsx"
    assert attachment_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames[-5:] == ["汇总概况", "迟报与逾期单位", "限期整改", "名单变动", "信用修复决定"]
    assert workbook.active.title == "汇总概况"  # Excel opens on the overview
    overview = {row[0]: row[1] for row in workbook["汇总概况"].iter_rows(values_only=True)}
    assert (overview["应报"], overview["已报"], overview["按时报送"]) == (53, 2, 1)
    assert (overview["未办结限期整改"], overview["其中超期"]) == (2, 1)
    wages = [row for row in workbook["迟报与逾期单位"].iter_rows(values_only=True) if row[0] == 8]
    assert wages == [(8, "开展拖欠工资问题专项治理", "区发展改革委", None)]


def test_summary_text_says_rates_agencies_orders_and_ranking(may_activity, office_user):
    """The summary names rates, late and overdue agencies by campaign, open orders and the ranking."""
    supervision_summary_send(today=SUMMARY_DAY)
    text = SupervisionSummary.objects.get().text
    assert "应报 53 份，已报 2 份，按时报送 1 份；报送率 3.8%，按时率 1.9%，通过率 0.0%。" in text
    assert "· 8. 开展拖欠工资问题专项治理：逾期提交 区发展改革委\n" in text
    assert "· 13. 开展论文造假、考试作弊专项治理：逾期未报 " in text
    assert "未办结 2 项，其中超期 1 项。" in text
    assert "· 区人力社保局：欠薪线索核查（期限 2025-06-03，待答复，已超期）" in text
    assert "五、单位排名\n1. " in text


def test_office_reviewers_are_notified_with_a_link(may_activity, office_user):
    """Each office reviewer finds the summary among their notifications, linked to its page."""
    supervision_summary_send(today=SUMMARY_DAY)
    summary = SupervisionSummary.objects.get()
    note = Notification.objects.get(recipient=office_user)
    assert note.title == "2025年5月诚信建设工作督查汇总"
    assert note.link == reverse("agencies:summary_detail", args=[summary.pk])


def test_summary_without_reviewer_address_is_recorded(may_activity, office_user):
    """A reviewer without an email address: the gap is a failed delivery the office can see."""
    supervision_summary_send(today=SUMMARY_DAY)
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.recipient) == ("failed", office_user)
    assert delivery.attachment.name == SupervisionSummary.objects.get().workbook.name


def test_office_reads_and_downloads_the_summary(may_activity, office_client):
    """The office lists summaries, reads one and downloads its workbook."""
    supervision_summary_send(today=SUMMARY_DAY)
    summary = SupervisionSummary.objects.get()
    listing = office_client.get(reverse("agencies:summary_list")).content.decode()
    assert "2025年5月诚信建设工作督查汇总" in listing
    page = office_client.get(reverse("agencies:summary_detail", args=[summary.pk])).content.decode()
    assert "迟报与逾期单位（按专项治理）" in page
    response = office_client.get(reverse("agencies:summary_download", args=[summary.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active.title == "汇总概况"


def test_summary_list_query_count(may_activity, office_client, django_assert_num_queries):
    """The summary list runs the same queries with one summary or several."""
    supervision_summary_send(today=SUMMARY_DAY)
    # session, user, page count, rows, header agency and unread count, session save (3)
    with django_assert_num_queries(9):
        office_client.get(reverse("agencies:summary_list"))
    supervision_summary_send(today=datetime.date(2025, 7, 6))
    with django_assert_num_queries(9):
        office_client.get(reverse("agencies:summary_list"))


def test_summaries_are_the_offices_only(may_activity, reporter_client):
    """A reporter gets 403 on the list, a summary and its download."""
    supervision_summary_send(today=SUMMARY_DAY)
    summary = SupervisionSummary.objects.get()
    for url in (
        reverse("agencies:summary_list"),
        reverse("agencies:summary_detail", args=[summary.pk]),
        reverse("agencies:summary_download", args=[summary.pk]),
    ):
        assert reporter_client.get(url).status_code == 403


def test_summaries_need_login(client, db):
    """Anonymous visitors are sent to the login page."""
    response = client.get(reverse("agencies:summary_list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_command_and_task(may_activity, office_user):
    """send_supervision_summary --today prints one line; the task does the same, once."""
    out = StringIO()
    call_command("send_supervision_summary", today="2025-06-06", stdout=out)
    assert out.getvalue() == ("supervision summaries sent: 1 (month 2025-05, office reviewers: 1, emails queued: 0)\n")
    assert send_supervision_summary.delay(today="2025-06-06").get() == (
        "supervision summaries sent: 0 (month 2025-05: already sent)"
    )


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_keep_one_summary(settings, tmp_path):
    """Two runs at the same moment on PostgreSQL: one summary, one notification per reviewer."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL, the production database")
    from campaigns.services import load_plan

    load_plan()
    UserFactory(agency=Agency.objects.office(), role="office", username="office9", email="office@xiqing.example")
    barrier = threading.Barrier(3)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(supervision_summary_send(today=SUMMARY_DAY))
        except Exception as error:  # noqa: BLE001 -- reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(r.sent for r in results) == [0, 0, 1]
    assert SupervisionSummary.objects.count() == 1
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_summary_counts_list_changes_and_repair_decisions_of_the_month(may_activity, office_user):
    """Entries published, removed, expired, repaired in May, and May's repair decisions, are counted."""
    from blacklist.models import RepairApplication
    from tests.factories import ListEntryFactory

    def may(day: int) -> datetime.datetime:
        return at(datetime.date(2025, 5, day))

    ListEntryFactory(status="published", publish_from=datetime.date(2025, 5, 2), published_at=may(2))
    ListEntryFactory(
        status="published", publish_from=datetime.date(2025, 4, 2), published_at=at(datetime.date(2025, 4, 2))
    )
    ListEntryFactory(list="red", severity="", status="published", published_at=may(31))
    ListEntryFactory(status="removed", removed_at=may(10), removal_reason="决定撤销")
    ListEntryFactory(status="expired", expired_at=at(datetime.date(2025, 6, 1), 0, 5))  # June: not counted
    repaired = ListEntryFactory(status="repaired", repaired_at=may(20), subject__name="天津某某建筑有限公司")
    common = {"grounds": ["corrected"], "statement": "已改正", "commitment": "承诺", "commitment_signed_by": "王五"}
    common |= {"applicant_name": "王五", "contact_phone": "13800000000", "due_date": datetime.date(2025, 5, 30)}
    RepairApplication.objects.create(
        entry=repaired,
        query_code="CODE00000001",
        status="approved",
        decided_at=may(20),
        decision_reason="已整改",
        **common,
    )
    rejected = ListEntryFactory(status="published", subject__name="天津另一家公司")
    RepairApplication.objects.create(
        entry=rejected,
        query_code="CODE00000002",
        status="rejected",
        decided_at=may(21),
        decision_reason="材料不全",
        **common,
    )
    supervision_summary_send(today=SUMMARY_DAY)
    text = SupervisionSummary.objects.get().text
    assert "红名单：新发布 1，移出 0，公示期满 0，信用修复 0\n" in text
    assert "黑名单：新发布 1，移出 1，公示期满 0，信用修复 1\n" in text
    assert "信用修复决定 2 件：准予修复 1 件，不予修复 1 件。" in text
    assert "· 天津某某建筑有限公司（黑名单，认定部门区人力社保局）：已准予修复\n" in text
    assert "· 天津另一家公司（黑名单，认定部门区人力社保局）：不予修复\n" in text
