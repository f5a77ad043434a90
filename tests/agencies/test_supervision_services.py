"""Supervision order services: issue, answer, close, send back, interview, escalate, remind now."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from agencies import services
from agencies.models import Agency, SupervisionOrder
from campaigns.models import Campaign
from tests.agencies.conftest import at
from tests.factories import SupervisionOrderFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 10)
MAY = datetime.date(2025, 5, 1)


@pytest.fixture
def with_emails(reporter, office_user):
    reporter.email = "hr@xiqing.example"
    reporter.save(update_fields=["email"])
    office_user.email = "office@xiqing.example"
    office_user.save(update_fields=["email"])


def issue(office_user, agency, **kwargs):
    values = {
        "kind": "rectification",
        "title": "欠薪案件整改",
        "content": "请限期整改",
        "deadline": TODAY.replace(day=30),
    }
    values.update(kwargs)
    return services.supervision_order_issue(actor=office_user, agency=agency, today=TODAY, **values)


def test_office_issues_rectification_and_agency_is_emailed(
    office_user, agency, reporter, with_emails, django_capture_on_commit_callbacks
):
    """A rectification order is open with its deadline, and the agency's reporters get an e-mail after commit."""
    with django_capture_on_commit_callbacks(execute=True):
        order = issue(office_user, agency)
    order.refresh_from_db()
    assert (order.status, order.issued_on, order.deadline) == ("open", TODAY, datetime.date(2025, 6, 30))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hr@xiqing.example"]
    assert mail.outbox[0].subject == "【督查督办】限期整改：欠薪案件整改"
    assert "办理期限：2025-06-30" in mail.outbox[0].body
    assert f"/supervision/{order.pk}/" in mail.outbox[0].body
    assert order.history.get().history_user == office_user


def test_reporter_cannot_issue(reporter, agency):
    """Only the office issues supervision orders."""
    with pytest.raises(PermissionDenied):
        issue(reporter, agency)
    assert not SupervisionOrder.objects.exists()


@pytest.mark.parametrize("kind", ["criticism", "commendation"])
def test_notices_are_closed_when_issued(office_user, agency, kind):
    """通报批评 and 表扬 need no answer: they are recorded as closed."""
    order = issue(office_user, agency, kind=kind, deadline=None)
    assert order.status == "closed"
    assert order.closed_by == office_user


def test_order_about_a_report_takes_its_campaign_and_month(office_user, agency, make_report):
    """An order naming a report is tied to the report's campaign and month."""
    report = make_report(8, "区人力社保局", MAY, status="returned")
    order = issue(office_user, agency, kind="reminder", report=report, deadline=None)
    assert (order.campaign.number, order.report_month) == (8, MAY)


def test_agency_answers_its_order_and_the_issuer_is_emailed(
    office_user, agency, reporter, with_emails, django_capture_on_commit_callbacks
):
    """The agency's reporter answers; the order waits for the office and the issuer is told."""
    order = issue(office_user, agency)
    with django_capture_on_commit_callbacks(execute=True):
        order = services.supervision_order_answer(actor=reporter, order=order, answer="已追回工资 12 万元")
    order.refresh_from_db()
    assert order.status == "answered"
    assert order.answer == "已追回工资 12 万元"
    assert order.answered_by == reporter
    assert [m.to for m in mail.outbox] == [["office@xiqing.example"]]
    assert mail.outbox[0].subject == "【督查督办】区人力社保局已答复：欠薪案件整改"


def test_other_agency_cannot_answer(office_user, agency, other_reporter):
    """An agency answers only its own orders."""
    order = issue(office_user, agency)
    with pytest.raises(PermissionDenied, match="只能答复本单位的督办事项。"):
        services.supervision_order_answer(actor=other_reporter, order=order, answer="x")


def test_office_cannot_answer_for_the_agency(office_user, agency):
    """The office closes or sends back; it never answers in the agency's name."""
    order = issue(office_user, agency)
    with pytest.raises(PermissionDenied):
        services.supervision_order_answer(actor=office_user, order=order, answer="x")


def test_empty_answer_is_refused(office_user, agency, reporter):
    """An answer must say what was done."""
    order = issue(office_user, agency)
    with pytest.raises(ValidationError) as error:
        services.supervision_order_answer(actor=reporter, order=order, answer="   ")
    assert error.value.message_dict == {"answer": ["请填写答复内容。"]}


def test_answered_order_cannot_be_answered_again(office_user, agency, reporter):
    """Once answered, the agency waits for the office: a second answer is refused."""
    order = issue(office_user, agency)
    services.supervision_order_answer(actor=reporter, order=order, answer="已整改")
    with pytest.raises(ValidationError, match="该督办事项已答复或已办结，当前不能答复。"):
        services.supervision_order_answer(actor=reporter, order=order, answer="再答一次")


def test_notice_cannot_be_answered(office_user, agency, reporter):
    """通报批评 needs no answer."""
    order = issue(office_user, agency, kind="criticism", deadline=None)
    with pytest.raises(ValidationError, match="通报批评和表扬无需答复。"):
        services.supervision_order_answer(actor=reporter, order=order, answer="收到")


def test_rectification_closes_only_after_an_answer(office_user, agency, reporter):
    """A rectification is closed after the agency has said what it did, not before."""
    order = issue(office_user, agency)
    with pytest.raises(ValidationError, match="限期整改须待单位答复整改情况后方可办结。"):
        services.supervision_order_close(actor=office_user, order=order)
    services.supervision_order_answer(actor=reporter, order=order, answer="已整改")
    order = services.supervision_order_close(actor=office_user, order=order, comment="整改到位")
    order.refresh_from_db()
    assert (order.status, order.office_comment, order.closed_by) == ("closed", "整改到位", office_user)
    with pytest.raises(ValidationError, match="该督办事项已办结。"):
        services.supervision_order_close(actor=office_user, order=order)


def test_reminder_can_be_closed_without_answer(office_user, agency):
    """A 催办 that became moot (the report arrived) is closed by the office directly."""
    order = issue(office_user, agency, kind="reminder", deadline=None)
    assert services.supervision_order_close(actor=office_user, order=order).status == "closed"


def test_reporter_cannot_close(office_user, agency, reporter):
    """Only the office closes orders."""
    order = issue(office_user, agency)
    services.supervision_order_answer(actor=reporter, order=order, answer="已整改")
    with pytest.raises(PermissionDenied):
        services.supervision_order_close(actor=reporter, order=order)


def test_send_back_needs_comment_and_agency_answers_again(office_user, agency, reporter):
    """The office sends an answer back with a comment; the agency answers again; history keeps both answers."""
    order = issue(office_user, agency)
    services.supervision_order_answer(actor=reporter, order=order, answer="正在整改")
    with pytest.raises(ValidationError) as error:
        services.supervision_order_send_back(actor=office_user, order=order, comment="")
    assert error.value.message_dict == {"comment": ["退回时请填写退回意见。"]}
    order = services.supervision_order_send_back(actor=office_user, order=order, comment="请写明追回金额")
    assert order.status == "returned"
    order = services.supervision_order_answer(actor=reporter, order=order, answer="已追回 12 万元")
    assert order.status == "answered"
    answers = [record.answer for record in order.history.order_by("history_date", "history_id")]
    assert answers == ["", "正在整改", "正在整改", "已追回 12 万元"]
    assert [r.history_user for r in order.history.order_by("history_date", "history_id")] == [
        office_user,
        reporter,
        office_user,
        reporter,
    ]


def test_only_answered_orders_are_sent_back(office_user, agency):
    """Nothing to send back before the agency answers."""
    order = issue(office_user, agency)
    with pytest.raises(ValidationError, match="只有已答复待审核的督办事项可以退回。"):
        services.supervision_order_send_back(actor=office_user, order=order, comment="x")


def test_interview_closes_after_minutes(office_user, agency):
    """约谈: date and interviewee when issued; the minutes are recorded before it is closed."""
    order = issue(
        office_user,
        agency,
        kind="interview",
        deadline=None,
        interview_date=datetime.date(2025, 6, 12),
        interviewee="王某（局长）",
    )
    with pytest.raises(ValidationError, match="请先录入约谈纪要，再办结约谈。"):
        services.supervision_order_close(actor=office_user, order=order)
    services.supervision_order_record_interview(
        actor=office_user,
        order=order,
        interview_date=datetime.date(2025, 6, 13),
        interviewee="王某（局长）",
        interview_minutes="指出逾期未报问题，单位表态本周内补报。",
    )
    order = services.supervision_order_close(actor=office_user, order=order)
    order.refresh_from_db()
    assert order.interview_date == datetime.date(2025, 6, 13)
    assert order.interview_minutes == "指出逾期未报问题，单位表态本周内补报。"
    assert order.status == "closed"


def test_escalation_points_back_to_the_rectification(office_user, agency):
    """整改不力 → a new order to 区不作为不担当领导小组 that names the rectification it comes from."""
    rectification = issue(office_user, agency)
    escalation = services.supervision_order_escalate(
        actor=office_user, order=rectification, content="逾期未整改", today=TODAY
    )
    assert escalation.kind == "escalation"
    assert escalation.parent == rectification
    assert escalation.agency == agency
    assert escalation.title == "整改不力：欠薪案件整改"
    assert list(rectification.follow_ups.all()) == [escalation]


def test_only_rectifications_are_escalated(office_user, agency):
    """Escalation follows a rectification done poorly (section 五.4)."""
    reminder = issue(office_user, agency, kind="reminder", deadline=None)
    with pytest.raises(ValidationError, match="只有未办结的限期整改可以报区不作为不担当领导小组。"):
        services.supervision_order_escalate(actor=office_user, order=reminder, content="x", today=TODAY)


def test_remind_now_without_report(office_user, agency, reporter, with_emails, django_capture_on_commit_callbacks):
    """Remind now on a report never opened: a 催办 for the campaign and month, 3 days to answer, e-mail sent."""
    campaign = Campaign.objects.get(number=8)
    with django_capture_on_commit_callbacks(execute=True):
        order, recipients = services.supervision_order_remind(
            actor=office_user, campaign=campaign, agency=agency, month=MAY, today=TODAY
        )
    assert recipients == 1
    assert (order.kind, order.campaign, order.report, order.report_month) == ("reminder", campaign, None, MAY)
    assert order.deadline == datetime.date(2025, 6, 13)
    assert order.content == (
        "贵单位2025年5月“8. 开展拖欠工资问题专项治理”月度工作进展尚未报送（截止日期为2025年6月5日，已逾期5天）。"
        "请于2025年6月13日前报送，并在本督办事项中答复。"
    )
    assert mail.outbox[0].to == ["hr@xiqing.example"]
    assert mail.outbox[0].subject == "【督查督办】催办：请报送2025年5月“开展拖欠工资问题专项治理”工作进展"


def test_remind_now_twice_the_same_day_is_refused(office_user, agency):
    """A second "remind now" for the same report on the same day is refused; the next day it is allowed."""
    campaign = Campaign.objects.get(number=8)
    services.supervision_order_remind(actor=office_user, campaign=campaign, agency=agency, month=MAY, today=TODAY)
    with pytest.raises(
        ValidationError, match="今天已就2025年5月的“开展拖欠工资问题专项治理”向区人力社保局催办，请勿重复催办。"
    ):
        services.supervision_order_remind(actor=office_user, campaign=campaign, agency=agency, month=MAY, today=TODAY)
    tomorrow = TODAY + datetime.timedelta(days=1)
    services.supervision_order_remind(actor=office_user, campaign=campaign, agency=agency, month=MAY, today=tomorrow)
    assert SupervisionOrder.objects.filter(kind="reminder").count() == 2


def test_remind_now_names_the_draft_report(office_user, agency, make_report):
    """A draft past its due date is overdue; the 催办 names the report."""
    report = make_report(8, "区人力社保局", MAY, status="draft")
    order, _ = services.supervision_order_remind(
        actor=office_user, campaign=report.campaign, agency=agency, month=MAY, today=TODAY
    )
    assert order.report == report


def test_remind_now_refuses_submitted_report(office_user, agency, make_report):
    """A report already submitted is not chased."""
    report = make_report(8, "区人力社保局", MAY, status="submitted", submitted_at=at(datetime.date(2025, 6, 7)))
    with pytest.raises(
        ValidationError, match="区人力社保局已报送2025年5月的“开展拖欠工资问题专项治理”工作进展，无需催办。"
    ):
        services.supervision_order_remind(
            actor=office_user, campaign=report.campaign, agency=agency, month=MAY, today=TODAY
        )


def test_remind_now_refuses_agency_that_is_not_a_lead(office_user):
    """Only a lead unit owes the campaign's report."""
    with pytest.raises(ValidationError, match="区民政局不是“开展拖欠工资问题专项治理”的牵头单位，无需报送。"):
        services.supervision_order_remind(
            actor=office_user,
            campaign=Campaign.objects.get(number=8),
            agency=Agency.objects.get(name="区民政局"),
            month=MAY,
            today=TODAY,
        )


def test_answer_after_deadline_is_marked_late(office_user, agency, reporter):
    """An answer given after the deadline day is flagged as late (Asia/Shanghai day)."""
    order = SupervisionOrderFactory(agency=agency, issued_by=office_user, deadline=datetime.date(2025, 6, 5))
    order = services.supervision_order_answer(actor=reporter, order=order, answer="已整改")
    assert order.is_answer_late  # answered today, long after 2025-06-05
