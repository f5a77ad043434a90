"""The issue's acceptance: with the clock moved through a month, every job does its work exactly once."""

import datetime

import pytest
from django.core import mail
from django.test import override_settings

from agencies.models import Agency, Notification, SupervisionSummary
from agencies.tasks import send_supervision_summary
from blacklist.models import ListEntry, RepairApplication
from blacklist.tasks import check_repair_deadlines, expire_list_entries
from reports.models import SentReminder
from reports.tasks import send_reminders
from tests.factories import ListEntryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@override_settings(
    REMINDER_START_MONTH="2025-05",
    REMINDER_DAYS_BEFORE=3,
    REMINDER_OVERDUE_EVERY_DAYS=3,
    REMINDER_OFFICE_AFTER_DAYS=7,
    SUPERVISION_SUMMARY_DAY=6,
    REPAIR_DEADLINE_WARNING_DAYS=3,
)
def test_june_with_every_job_run_twice_a_day(django_capture_on_commit_callbacks):
    """1–30 June, each job twice a day as beat and a retry would: each effect happens exactly once."""
    agency = Agency.objects.get(name="区人力社保局")
    reporter = UserFactory(agency=agency, username="rsj", email="rsj@xiqing.example")
    office = UserFactory(agency=Agency.objects.office(), role="office", username="office9", email="o@xiqing.example")
    entry = ListEntryFactory(
        status="published", publish_from=datetime.date(2025, 1, 11), publish_until=datetime.date(2025, 6, 20)
    )
    RepairApplication.objects.create(
        entry=ListEntryFactory(status="published", publish_from=datetime.date(2025, 1, 11)),
        grounds=["corrected"],
        statement="已改正",
        commitment="承诺",
        commitment_signed_by="王五",
        applicant_name="王五",
        contact_phone="13800000000",
        query_code="CODE00000001",
        due_date=datetime.date(2025, 6, 25),
    )
    expired_on = None
    for offset in range(30):
        today = (datetime.date(2025, 6, 1) + datetime.timedelta(days=offset)).isoformat()
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                send_reminders.delay(today=today).get()
                send_supervision_summary.delay(today=today).get()
                if expire_list_entries.delay(today=today).get() == "list entries expired: 1":
                    expired_on = today
                check_repair_deadlines.delay(today=today).get()

    # Reminders: 区人力社保局's May reports (campaigns 8 and 13) on 2, 5, 6, 9 … 30 June, once each.
    days = sorted({d.isoformat() for d in SentReminder.objects.filter(agency=agency).values_list("sent_on", flat=True)})
    assert days == ["2025-06-02", "2025-06-05", "2025-06-06", "2025-06-09", "2025-06-12", "2025-06-15"] + [
        "2025-06-18",
        "2025-06-21",
        "2025-06-24",
        "2025-06-27",
        "2025-06-30",
    ]
    assert SentReminder.objects.filter(agency=agency).count() == 2 * (len(days) + 1)  # + the office escalation
    reporter_mail = [m for m in mail.outbox if m.to == ["rsj@xiqing.example"]]
    assert len(reporter_mail) == len(days)

    # The office: one summary of May on 6 June, with the workbook attached.
    summary = SupervisionSummary.objects.get()
    assert summary.month == datetime.date(2025, 5, 1)
    summaries = [m for m in mail.outbox if m.subject == "2025年5月诚信建设工作督查汇总"]
    assert len(summaries) == 1
    assert summaries[0].attachments[0][0] == "西青区诚信建设月度督查汇总-2025-05.xlsx"

    # The list entry left the public list the day after its last day, once.
    assert expired_on == "2025-06-21"
    entry.refresh_from_db()
    assert entry.status == "expired"
    assert not ListEntry.objects.public(datetime.date(2025, 6, 21)).filter(pk=entry.pk).exists()

    # The repair deadline: one warning a day from 22 June (3 days before) to the end of the month.
    warnings = Notification.objects.filter(recipient=office, title__startswith="信用修复办理期限提醒")
    assert warnings.count() == len(range(22, 31))
    assert Notification.objects.filter(recipient=reporter).count() == len(days)
