"""Daily list jobs: expired entries leave the public list; the office is warned of repair deadlines."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from agencies.models import Notification
from blacklist.models import ListEntry, RepairApplication
from blacklist.repair_deadlines import repair_deadlines_check
from blacklist.tasks import check_repair_deadlines, expire_list_entries
from tests.factories import ListEntryFactory

pytestmark = pytest.mark.django_db


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def published_until(last_day: datetime.date, **values) -> ListEntry:
    values.setdefault("status", "published")
    values.setdefault("publish_from", day("2025-01-11"))
    return ListEntryFactory(publish_until=last_day, **values)


# --- expire_list_entries ----------------------------------------------------------------------


def test_entry_stays_public_on_its_last_day_and_leaves_the_next():
    """An entry published until 5 June is public on 5 June; the 6 June run takes it off the list."""
    entry = published_until(day("2025-06-05"))
    assert expire_list_entries.delay(today="2025-06-05").get() == "list entries expired: 0"
    assert list(ListEntry.objects.public(day("2025-06-05"))) == [entry]
    assert expire_list_entries.delay(today="2025-06-06").get() == "list entries expired: 1"
    entry.refresh_from_db()
    assert entry.status == "expired"
    assert not ListEntry.objects.public(day("2025-06-06")).exists()


def test_expired_entry_says_why_in_its_history():
    """The history records the status change with the reason: the publicity period ended."""
    entry = published_until(day("2025-06-05"))
    expire_list_entries.delay(today="2025-06-06").get()
    latest = entry.history.order_by("-history_date").first()
    assert latest.status == "expired"
    assert latest.history_change_reason == "公示期满（截止2025-06-05），自动移出公示"


def test_expiry_runs_once():
    """A second run the same day (or a retried task) expires nothing more and writes no history."""
    entry = published_until(day("2025-06-05"))
    expire_list_entries.delay(today="2025-06-06").get()
    records = entry.history.count()
    assert expire_list_entries.delay(today="2025-06-06").get() == "list entries expired: 0"
    assert entry.history.count() == records


def test_expire_command_prints_a_one_line_summary():
    """expire_list_entries --today prints how many entries left the list; other states are untouched."""
    published_until(day("2025-06-01"))
    published_until(day("2025-06-03"))
    published_until(day("2025-07-01"))
    removed_at = datetime.datetime(2025, 5, 1, tzinfo=datetime.UTC)
    ListEntryFactory(status="removed", publish_until=day("2025-06-01"), removed_at=removed_at, removal_reason="撤销")
    out = StringIO()
    call_command("expire_list_entries", today="2025-06-06", stdout=out)
    assert out.getvalue() == "list entries expired: 2\n"
    assert sorted(ListEntry.objects.values_list("status", flat=True)) == ["expired", "expired", "published", "removed"]


# --- check_repair_deadlines -------------------------------------------------------------------


def application(entry: ListEntry, due: datetime.date, code: str) -> RepairApplication:
    return RepairApplication.objects.create(
        entry=entry,
        grounds=["corrected"],
        statement="已改正",
        commitment="承诺",
        commitment_signed_by="王五",
        applicant_name="王五",
        contact_phone="13800000000",
        query_code=code,
        due_date=due,
    )


@pytest.fixture
def applications(db):
    """One application due 16 June, one overdue since 10 June, one decided (no warning)."""
    near = application(
        published_until(day("2026-01-10"), subject__name="天津甲公司"), day("2025-06-16"), "CODE00000001"
    )
    late = application(
        published_until(day("2026-01-10"), subject__name="天津乙公司"), day("2025-06-10"), "CODE00000002"
    )
    decided = application(published_until(day("2026-01-10")), day("2025-06-13"), "CODE00000003")
    RepairApplication.objects.filter(pk=decided.pk).update(
        status="rejected", decided_at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC), decision_reason="材料不全"
    )
    return near, late


@override_settings(REPAIR_DEADLINE_WARNING_DAYS=3)
def test_office_is_warned_once_a_day_within_the_warning_days(applications, office_user):
    """Three days before the deadline the office gets a digest; a second run that day sends nothing."""
    first = repair_deadlines_check(today=day("2025-06-13"))
    assert str(first) == "repair applications near their deadline: 2 (overdue: 1; office warned: yes)"
    again = repair_deadlines_check(today=day("2025-06-13"))
    assert str(again) == (
        "repair applications near their deadline: 2 (overdue: 1; office warned: no, already warned today)"
    )
    note = Notification.objects.get(recipient=office_user)
    assert note.title == "信用修复办理期限提醒：2 件临近或超期"
    assert note.link == reverse("blacklist:repair_list")
    lines = note.body.splitlines()
    assert lines[0] == "以下 2 件信用修复申请临近或超过办理期限（其中超期 1 件），请及时作出决定。"
    assert lines[2].startswith("· 天津乙公司（黑名单，认定部门区人力社保局）申请人王五，")
    assert lines[2].endswith("：办理期限2025年6月10日，已超期 3 天")
    assert lines[3].endswith("：办理期限2025年6月16日，还剩 3 天")
    repair_deadlines_check(today=day("2025-06-14"))
    assert Notification.objects.filter(recipient=office_user).count() == 2  # one a day while it lasts


@override_settings(REPAIR_DEADLINE_WARNING_DAYS=3)
def test_no_warning_when_nothing_is_close(office_user):
    """With no application within the warning days, nothing is sent."""
    application(published_until(day("2026-01-10")), day("2025-06-16"), "CODE00000001")
    result = repair_deadlines_check(today=day("2025-06-12"))
    assert (
        str(result)
        == "repair applications near their deadline: 0 (overdue: 0; office warned: no, none near their deadline)"
    )
    assert not Notification.objects.exists()


@override_settings(REPAIR_DEADLINE_WARNING_DAYS=3)
def test_warning_is_emailed_to_reviewers(applications, office_user, django_capture_on_commit_callbacks):
    """Office reviewers with an address get the warning by email as well."""
    office_user.email = "office@xiqing.example"
    office_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        check_repair_deadlines.delay(today="2025-06-16").get()
    assert [m.subject for m in mail.outbox] == ["信用修复办理期限提醒：2 件临近或超期"]
    assert "今天（2025年6月16日）到期" in mail.outbox[0].body


def test_repair_command_prints_a_one_line_summary(applications, office_user):
    """check_repair_deadlines --today prints the counts on one line."""
    out = StringIO()
    call_command("check_repair_deadlines", today="2025-06-13", stdout=out)
    assert out.getvalue() == "repair applications near their deadline: 2 (overdue: 1; office warned: yes)\n"
