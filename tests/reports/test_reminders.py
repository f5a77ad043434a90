"""Reminders for owed monthly reports: the day rules, exactly once, batched (section 七.3, DESIGN §4)."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from agencies.models import Agency, EmailDelivery, Notification, User
from campaigns.models import Campaign, CampaignLead
from reports.models import Report, SentReminder, due_date_for
from reports.reminders import candidate_months, reminders_send
from reports.tasks import send_reminders
from tests.factories import UserFactory

MAY = datetime.date(2025, 5, 1)
JOBS = {
    "REMINDER_DAYS_BEFORE": 3,
    "REMINDER_OVERDUE_EVERY_DAYS": 3,
    "REMINDER_OFFICE_AFTER_DAYS": 7,
    "REMINDER_LOOKBACK_MONTHS": 3,
    "REMINDER_START_MONTH": "2025-05",
    "REPORT_DUE_DAY": 5,
}
jobs_settings = override_settings(**JOBS)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def sent_for(campaign_number: int, agency_name: str, month=MAY) -> list[tuple[str, str, int]]:
    """(day sent, kind, sequence) of every reminder of one report, in order."""
    return [
        (sent_on.isoformat(), kind, sequence)
        for sent_on, kind, sequence in SentReminder.objects.filter(
            campaign__number=campaign_number, agency__name=agency_name, month=month
        )
        .order_by("sent_on", "kind")
        .values_list("sent_on", "kind", "sequence")
    ]


def make_report(campaign_number: int, agency: Agency, status: str, month=MAY, submitted_at=None) -> Report:
    return Report.objects.create(
        campaign=Campaign.objects.get(number=campaign_number),
        agency=agency,
        month=month,
        due_date=due_date_for(month),
        status=status,
        submitted_at=submitted_at,
    )


@pytest.mark.django_db
@jobs_settings
def test_clock_moved_through_a_month_sends_every_reminder_exactly_once(reporter, office_user):
    """Running the job twice a day from 1 June to 10 July: each reminder of May goes out once, on its day."""
    day_one = day("2025-06-01")
    second_runs = []
    for offset in range(40):
        today = day_one + datetime.timedelta(days=offset)
        reminders_send(today=today)
        second_runs.append(reminders_send(today=today).reminders)
    assert second_runs == [0] * 40
    may = sent_for(8, "区人力社保局", MAY)
    assert may == [
        ("2025-06-02", "before_due", 0),
        ("2025-06-05", "due", 0),
        ("2025-06-06", "overdue", 1),
        ("2025-06-09", "overdue", 2),
        ("2025-06-12", "office", 0),
        ("2025-06-12", "overdue", 3),
        ("2025-06-15", "overdue", 4),
        ("2025-06-18", "overdue", 5),
        ("2025-06-21", "overdue", 6),
        ("2025-06-24", "overdue", 7),
        ("2025-06-27", "overdue", 8),
        ("2025-06-30", "overdue", 9),
        ("2025-07-03", "overdue", 10),
        ("2025-07-06", "overdue", 11),
        ("2025-07-09", "overdue", 12),
    ]
    assert sent_for(8, "区人力社保局", datetime.date(2025, 6, 1)) == [
        ("2025-07-02", "before_due", 0),
        ("2025-07-05", "due", 0),
        ("2025-07-06", "overdue", 1),
        ("2025-07-09", "overdue", 2),
    ]
    # One notification per run that had something for the agency (both its campaigns together).
    reminder_days = {sent for sent, kind, _ in may if kind != "office"} | {"2025-07-02", "2025-07-05"}
    assert Notification.objects.filter(recipient=reporter).count() == len(reminder_days)
    # The office hears once per report that passes 7 overdue days: one digest on 12 June.
    office_notes = list(Notification.objects.filter(recipient=office_user).values_list("title", "created_at"))
    assert [title for title, _ in office_notes] == ["逾期未报通报：53 份月度报告逾期超过 7 天"]


@pytest.mark.django_db
@jobs_settings
def test_day_boundaries_around_the_due_date(reporter):
    """4 days before: nothing; 3 days before: a reminder; due day; the day after is overdue."""
    assert reminders_send(today=day("2025-06-01")).reminders == 0
    assert reminders_send(today=day("2025-06-02")).reminders == 53
    assert reminders_send(today=day("2025-06-04")).reminders == 0
    assert reminders_send(today=day("2025-06-05")).reminders == 53
    assert reminders_send(today=day("2025-06-06")).reminders == 53
    kinds = SentReminder.objects.filter(sent_on=day("2025-06-06")).values_list("kind", flat=True)
    assert set(kinds) == {"overdue"}


@pytest.mark.django_db
@jobs_settings
def test_missed_run_catches_up_once(reporter):
    """If the job did not run 3 days before, the next day's run still sends the early reminder, once."""
    reminders_send(today=day("2025-06-03"))
    reminders_send(today=day("2025-06-04"))
    assert sent_for(8, "区人力社保局") == [("2025-06-03", "before_due", 0)]


@pytest.mark.django_db
@jobs_settings
def test_submitted_and_accepted_reports_are_not_chased_draft_and_returned_are(agency):
    """Only unsubmitted reports are owed: none, draft and returned get reminders; submitted, accepted do not."""
    development = Agency.objects.get(name="区发展改革委")
    make_report(8, agency, Report.Status.DRAFT)
    make_report(13, agency, Report.Status.RETURNED, submitted_at=timezone.now())
    make_report(8, development, Report.Status.SUBMITTED, submitted_at=timezone.now())
    accepted = make_report(1, development, Report.Status.ACCEPTED, submitted_at=timezone.now())
    reminders_send(today=day("2025-06-06"))
    assert sent_for(8, "区人力社保局") == [("2025-06-06", "overdue", 1)]
    assert sent_for(13, "区人力社保局") == [("2025-06-06", "overdue", 1)]
    assert sent_for(8, "区发展改革委") == []
    assert sent_for(1, accepted.agency.name) == []
    assert SentReminder.objects.count() == 53 - 2


@pytest.mark.django_db
@jobs_settings
def test_submission_stops_the_reminders(agency):
    """Once the report is submitted, late or not, no further reminder goes out for it."""
    reminders_send(today=day("2025-06-06"))
    make_report(8, agency, Report.Status.SUBMITTED, submitted_at=timezone.now())
    reminders_send(today=day("2025-06-09"))
    assert sent_for(8, "区人力社保局") == [("2025-06-06", "overdue", 1)]
    assert sent_for(13, "区人力社保局") == [("2025-06-06", "overdue", 1), ("2025-06-09", "overdue", 2)]


@pytest.mark.django_db
@override_settings(**{**JOBS, "REMINDER_START_MONTH": ""})
def test_december_report_is_due_in_january(agency):
    """The report for December is due on 5 January of the next year; reminders follow the year."""
    december = datetime.date(2024, 12, 1)
    assert due_date_for(december) == day("2025-01-05")
    reminders_send(today=day("2025-01-02"))
    reminders_send(today=day("2025-01-06"))
    assert sent_for(8, "区人力社保局", december) == [("2025-01-02", "before_due", 0), ("2025-01-06", "overdue", 1)]


@pytest.mark.django_db
@override_settings(**{**JOBS, "REMINDER_DAYS_BEFORE": 7})
def test_early_reminder_may_fall_in_the_month_reported_on(agency):
    """With 7 days' notice the May report is announced on 29 May, in May itself."""
    assert reminders_send(today=day("2025-05-28")).reminders == 0
    reminders_send(today=day("2025-05-29"))
    assert sent_for(8, "区人力社保局") == [("2025-05-29", "before_due", 0)]


@pytest.mark.django_db
def test_months_chased_respect_start_and_look_back():
    """Only months since go-live (REMINDER_START_MONTH) and within the look-back are chased."""
    with override_settings(**{**JOBS, "REMINDER_START_MONTH": "", "REMINDER_LOOKBACK_MONTHS": 2}):
        assert candidate_months(day("2025-06-10")) == [day("2025-04-01"), day("2025-05-01")]
    with override_settings(**JOBS):
        assert candidate_months(day("2025-06-10")) == [day("2025-05-01")]
        assert candidate_months(day("2025-04-30")) == []


@pytest.mark.django_db
@jobs_settings
def test_office_and_inactive_agencies_get_no_reminders():
    """The office does not remind itself; an agency switched off is not chased."""
    Agency.objects.filter(name="区发展改革委").update(is_active=False)
    reminders_send(today=day("2025-06-05"))
    assert not SentReminder.objects.filter(agency__kind=Agency.Kind.OFFICE).exists()
    assert not SentReminder.objects.filter(agency__name="区发展改革委").exists()
    assert SentReminder.objects.filter(agency__name="区人力社保局").count() == 2


@pytest.mark.django_db
@jobs_settings
def test_reporters_read_what_is_owed(reporter, agency, django_capture_on_commit_callbacks):
    """The reporter gets one notification and one email listing each owed report with its state."""
    reporter.email = "rs1@xiqing.example"
    reporter.save()
    make_report(13, agency, Report.Status.RETURNED, submitted_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=day("2025-06-09"))
    notification = Notification.objects.get(recipient=reporter)
    assert notification.title == "月度工作进展报告逾期未报提醒"
    assert notification.body == (
        "区人力社保局：以下月度工作进展报告尚未提交，请及时填报。\n\n"
        "· 2025年5月　第8项「开展拖欠工资问题专项治理」：截止日期2025年6月5日，已逾期 4 天（尚未填报）\n"
        "· 2025年5月　第13项「开展论文造假、考试作弊专项治理」：截止日期2025年6月5日，已逾期 4 天"
        "（已退回，请按审核意见修改后重新提交）"
    )
    assert notification.link == "/reports/"
    emails = [m for m in mail.outbox if m.to == ["rs1@xiqing.example"]]
    assert len(emails) == 1
    assert emails[0].subject == "月度工作进展报告逾期未报提醒"
    assert emails[0].body.startswith(notification.body)


@pytest.mark.django_db
@jobs_settings
def test_before_due_and_due_day_wording(reporter):
    """The early reminder counts the days left; the due-day one says today."""
    reminders_send(today=day("2025-06-02"))
    reminders_send(today=day("2025-06-05"))
    early, due = Notification.objects.filter(recipient=reporter).order_by("created_at", "id")
    assert early.title == "月度工作进展报告即将截止提醒"
    assert "第8项「开展拖欠工资问题专项治理」：将于2025年6月5日截止，还有 3 天（尚未填报）" in early.body
    assert due.title == "月度工作进展报告今日截止提醒"
    assert "第8项「开展拖欠工资问题专项治理」：今天（2025年6月5日）截止（尚未填报）" in due.body


@pytest.mark.django_db
@jobs_settings
def test_office_is_told_after_m_overdue_days(office_user, django_capture_on_commit_callbacks):
    """At 7 overdue days the office gets one digest naming each agency and report; not before."""
    office_user.email = "office@xiqing.example"
    office_user.save()
    reminders_send(today=day("2025-06-11"))
    assert not Notification.objects.filter(recipient=office_user).exists()
    with django_capture_on_commit_callbacks(execute=True):
        result = reminders_send(today=day("2025-06-12"))
    assert result.office_escalations == 53
    note = Notification.objects.get(recipient=office_user)
    assert note.title == "逾期未报通报：53 份月度报告逾期超过 7 天"
    assert (
        "· 区人力社保局　2025年5月　第8项「开展拖欠工资问题专项治理」：截止日期2025年6月5日，已逾期 7 天" in note.body
    )
    assert note.link == "/dashboard/"
    assert [m.subject for m in mail.outbox if m.to == ["office@xiqing.example"]] == [note.title]
    reminders_send(today=day("2025-06-15"))
    assert Notification.objects.filter(recipient=office_user).count() == 1


@pytest.mark.django_db
@jobs_settings
def test_agency_without_reporter_email_is_reached_at_its_address(agency, django_capture_on_commit_callbacks):
    """An agency whose reporters have no address is emailed at the agency's contact address."""
    agency.email = "rsj@xiqing.example"
    agency.save()
    UserFactory(agency=agency, username="noaddress")
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=day("2025-06-05"))
    assert [m.subject for m in mail.outbox if m.to == ["rsj@xiqing.example"]] == ["月度工作进展报告今日截止提醒"]
    unreached = EmailDelivery.objects.filter(status="failed").count()
    assert unreached == 22 - 1  # every other lead agency has neither reporters with email nor an address


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_number_of_reports(django_assert_num_queries, office_user):
    """53 or 636 owed reports, with or without report rows: the job runs the same queries."""
    leads = list(CampaignLead.objects.exclude(agency__kind=Agency.Kind.OFFICE))
    User.objects.bulk_create(  # accounts that never log in: no password to hash
        User(agency_id=lead.agency_id, username=f"r{lead.pk}", email=f"r{lead.pk}@xiqing.example")
        for lead in leads[:20]
    )
    settings_one = {**JOBS, "REMINDER_START_MONTH": "", "REMINDER_LOOKBACK_MONTHS": 1}
    settings_many = {**JOBS, "REMINDER_START_MONTH": "", "REMINDER_LOOKBACK_MONTHS": 12}
    # leads, report rows, insert, inserted rows, reporters, office, 2 inserts, savepoints (2 + 2)
    expected = 12
    with override_settings(**settings_one), django_assert_num_queries(expected):
        assert reminders_send(today=day("2025-06-20")).reminders == 53 * 2
    months = [datetime.date(2024, m, 1) for m in range(6, 13)]
    Report.objects.bulk_create(
        Report(campaign_id=lead.campaign_id, agency_id=lead.agency_id, month=m, due_date=due_date_for(m))
        for lead in leads
        for m in months
    )
    with override_settings(**settings_many), django_assert_num_queries(expected):
        result = reminders_send(today=day("2025-06-21"))
    assert result.reminders == 53 * 11 * 2 + 53  # 11 older months: overdue + office; May: overdue only
    assert result.agencies == 22


@pytest.mark.django_db
@jobs_settings
def test_command_prints_a_one_line_summary(reporter, office_user):
    """send_reminders --today prints the counts on one line; a second run sends nothing."""
    from io import StringIO

    out = StringIO()
    call_command("send_reminders", today="2025-06-12", stdout=out)
    assert out.getvalue() == (
        "reminders sent: 106 (agencies: 22, office escalations: 53, notifications: 2, emails queued: 0, "
        "no email address: 23)\n"
    )
    out = StringIO()
    call_command("send_reminders", today="2025-06-12", stdout=out)
    assert out.getvalue().startswith("reminders sent: 0 ")


@pytest.mark.django_db
def test_command_refuses_a_bad_date():
    """A malformed --today is refused with a plain message."""
    with pytest.raises(CommandError, match="日期“2025-13-01”无效，请使用 YYYY-MM-DD 格式。"):
        call_command("send_reminders", today="2025-13-01")


@pytest.mark.django_db
@jobs_settings
def test_task_runs_the_job_and_a_retry_sends_nothing(reporter):
    """The Celery task calls the service; running it again (a retry) sends no second reminder."""
    first = send_reminders.delay(today="2025-06-05").get()
    again = send_reminders.delay(today="2025-06-05").get()
    assert first.startswith("reminders sent: 53 ")
    assert again.startswith("reminders sent: 0 ")
    assert Notification.objects.filter(recipient=reporter).count() == 1


@pytest.mark.django_db(transaction=True)
@jobs_settings
def test_workers_at_once_send_each_reminder_once():
    """Four runs started at the same moment on PostgreSQL: every reminder and notification exists once."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL, the production database")
    from campaigns.services import load_plan

    load_plan()
    agencies = Agency.objects.filter(pk__in=CampaignLead.objects.values("agency_id")).exclude(kind="office")
    User.objects.bulk_create(  # accounts that never log in: no password to hash
        [User(agency=agency, username=f"rep{agency.pk}", email=f"rep{agency.pk}@xiqing.example") for agency in agencies]
        + [User(agency=Agency.objects.office(), role="office", username="office9", email="office@xiqing.example")]
    )
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(reminders_send(today=day("2025-06-12")))
        except Exception as error:  # noqa: BLE001 -- reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(r.reminders for r in results) == 106
    assert SentReminder.objects.count() == 106
    assert Notification.objects.count() == 22 + 1  # one per agency's reporter, one office digest
    assert EmailDelivery.objects.count() == 22 + 1
    assert len(mail.outbox) == 22 + 1
