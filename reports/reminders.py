"""Reminders for owed monthly reports (section 七.3 of the plan; DESIGN §4).

A report is owed for every (campaign, lead agency, month) of the dashboard's ``owed_leads()`` that
has no report row, or one in draft or returned. Before its due date (``REMINDER_DAYS_BEFORE`` days), on the due
date and every ``REMINDER_OVERDUE_EVERY_DAYS`` days while overdue, the agency's reporters are
reminded in the portal and by email; once it is ``REMINDER_OFFICE_AFTER_DAYS`` days overdue, the
office is told as well.

Exactly once: each reminder is a ``SentReminder`` row with a unique key, inserted first (conflicts
ignored) in the same transaction as the messages it causes; only the rows this run inserted are
sent. A second run the same day, a retried task or a second worker at the same moment inserts
nothing and sends nothing. The whole job runs in a fixed number of queries, however many reports
are owed, and sends one message per agency (and one to the office), not one per report.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from agencies.models import User
from agencies.notifications import Outgoing, messages_send, office_reviewers
from agencies.selectors import owed_leads

from .models import Report, SentReminder, State, due_date_for, report_state

Kind = SentReminder.Kind
OWED_STATES = {State.NOT_DUE, State.OVERDUE, State.RETURNED}


@dataclass(frozen=True)
class OwedReport:
    """One (campaign, lead agency, month) whose report has not been submitted."""

    campaign_id: int
    campaign_number: int
    campaign_title: str
    agency_id: int
    agency_name: str
    agency_email: str
    month: datetime.date
    due_date: datetime.date
    status: str | None  # None: not started

    @property
    def key(self) -> tuple[int, int, datetime.date]:
        return (self.campaign_id, self.agency_id, self.month)


@dataclass(frozen=True)
class ReminderResult:
    reminders: int = 0
    agencies: int = 0
    office_escalations: int = 0
    notifications: int = 0
    emails: int = 0
    undeliverable: int = 0

    def __str__(self) -> str:
        return (
            f"reminders sent: {self.reminders} (agencies: {self.agencies}, office escalations: "
            f"{self.office_escalations}, notifications: {self.notifications}, emails queued: {self.emails}, "
            f"no email address: {self.undeliverable})"
        )


def _add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _start_month() -> datetime.date | None:
    value = settings.REMINDER_START_MONTH.strip()
    if not value:
        return None
    return datetime.datetime.strptime(value, "%Y-%m").date()


def candidate_months(today: datetime.date) -> list[datetime.date]:
    """Months whose reports may need a reminder today: inside the look-back, not before go-live."""
    current = today.replace(day=1)
    start = _start_month()
    window = datetime.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    months = [_add_months(current, -back) for back in range(settings.REMINDER_LOOKBACK_MONTHS, -1, -1)]
    return [m for m in months if (start is None or m >= start) and due_date_for(m) - window <= today]


def owed_reports(*, today: datetime.date, months: list[datetime.date] | None = None) -> list[OwedReport]:
    """Every owed report of ``months`` (default: ``candidate_months(today)``), in two queries.

    ``report_state`` decides: not started, draft (not due / overdue) and returned are owed.
    """
    months = candidate_months(today) if months is None else months
    if not months:
        return []
    # The dashboard's rule of who owes a report: every active lead unit except the office.
    leads = list(
        owed_leads().values_list(
            "campaign_id", "campaign__number", "campaign__title", "agency_id", "agency__name", "agency__email"
        )
    )
    rows = {
        (campaign_id, agency_id, month): (status, submitted_at, due_date)
        for campaign_id, agency_id, month, status, submitted_at, due_date in Report.objects.filter(
            month__in=months
        ).values_list("campaign_id", "agency_id", "month", "status", "submitted_at", "due_date")
    }
    owed = []
    for month in months:
        standard_due = due_date_for(month)
        for campaign_id, number, title, agency_id, agency_name, agency_email in leads:
            status, submitted_at, due_date = rows.get((campaign_id, agency_id, month), (None, None, standard_due))
            state = report_state(status=status, submitted_at=submitted_at, due_date=due_date, today=today)
            if state in OWED_STATES:
                owed.append(
                    OwedReport(
                        campaign_id, number, title, agency_id, agency_name, agency_email, month, due_date, status
                    )
                )
    return owed


def reminders_for(*, due_date: datetime.date, today: datetime.date) -> list[tuple[str, int]]:
    """The (kind, sequence) reminders an owed report calls for today.

    A run that was missed catches up: the reminder of the current window is sent on the next
    run (a missed day-before reminder goes out the day after; a missed overdue one at once).
    """
    days = (today - due_date).days
    if days < -settings.REMINDER_DAYS_BEFORE:
        return []
    if days < 0:
        return [(Kind.BEFORE_DUE, 0)]
    if days == 0:
        return [(Kind.DUE, 0)]
    result = [(Kind.OVERDUE, (days - 1) // settings.REMINDER_OVERDUE_EVERY_DAYS + 1)]
    if days >= settings.REMINDER_OFFICE_AFTER_DAYS:
        result.append((Kind.OFFICE, 0))
    return result


def reminders_send(*, today: datetime.date) -> ReminderResult:
    """Send every reminder due on ``today`` that was not sent before; see the module docstring."""
    owed = owed_reports(today=today)
    run_id = uuid.uuid4()
    planned = [
        SentReminder(
            campaign_id=report.campaign_id,
            agency_id=report.agency_id,
            month=report.month,
            kind=kind,
            sequence=sequence,
            due_date=report.due_date,
            sent_on=today,
            run_id=run_id,
        )
        for report in owed
        for kind, sequence in reminders_for(due_date=report.due_date, today=today)
    ]
    if not planned:
        return ReminderResult()
    # Rows in one order, so two concurrent runs wait on each other instead of deadlocking.
    planned.sort(key=lambda r: (r.campaign_id, r.agency_id, r.month, r.kind, r.sequence))
    by_key = {report.key: report for report in owed}
    with transaction.atomic():
        SentReminder.objects.bulk_create(planned, ignore_conflicts=True)
        inserted = list(
            SentReminder.objects.filter(run_id=run_id).values_list("campaign_id", "agency_id", "month", "kind")
        )
        if not inserted:
            return ReminderResult()
        for_agencies: dict[int, list[tuple[OwedReport, str]]] = defaultdict(list)
        for_office: list[OwedReport] = []
        for campaign_id, agency_id, month, kind in inserted:
            report = by_key[(campaign_id, agency_id, month)]
            if kind == Kind.OFFICE:
                for_office.append(report)
            else:
                for_agencies[agency_id].append((report, kind))
        messages = _agency_messages(for_agencies, today)
        if for_office:
            messages.append(_office_message(for_office, today))
        sent = messages_send(messages=messages)
    return ReminderResult(
        reminders=len(inserted),
        agencies=len(for_agencies),
        office_escalations=len(for_office),
        notifications=sent.notifications,
        emails=sent.emails,
        undeliverable=sent.undeliverable,
    )


def _agency_messages(for_agencies: dict[int, list[tuple[OwedReport, str]]], today: datetime.date) -> list[Outgoing]:
    reporters: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(agency_id__in=for_agencies, role=User.Role.REPORTER, is_active=True).order_by(
        "username"
    ):
        reporters[user.agency_id].append(user)
    messages = []
    for agency_id, items in for_agencies.items():
        items.sort(key=lambda item: (item[0].month, item[0].campaign_number))
        kinds = {kind for _, kind in items}
        if Kind.OVERDUE in kinds:
            title = "月度工作进展报告逾期未报提醒"
        elif Kind.DUE in kinds:
            title = "月度工作进展报告今日截止提醒"
        else:
            title = "月度工作进展报告即将截止提醒"
        first = items[0][0]
        lines = [f"{first.agency_name}：以下月度工作进展报告尚未提交，请及时填报。", ""]
        lines += [f"· {_describe(report, today)}" for report, _ in items]
        messages.append(
            Outgoing(
                recipients=reporters.get(agency_id, []),
                title=title,
                body="\n".join(lines),
                link=reverse("reports:my_tasks"),
                fallback_email=first.agency_email,
            )
        )
    return messages


def _office_message(reports: list[OwedReport], today: datetime.date) -> Outgoing:
    reports.sort(key=lambda r: (r.month, r.campaign_number, r.agency_name))
    lines = [
        f"以下 {len(reports)} 份月度工作进展报告已逾期 {settings.REMINDER_OFFICE_AFTER_DAYS} 天以上，"
        "单位已多次收到提醒，请督促办理（可发督办通知）。",
        "",
    ]
    lines += [f"· {report.agency_name}　{_describe(report, today)}" for report in reports]
    return Outgoing(
        recipients=office_reviewers(),
        title=f"逾期未报通报：{len(reports)} 份月度报告逾期超过 {settings.REMINDER_OFFICE_AFTER_DAYS} 天",
        body="\n".join(lines),
        link=reverse("agencies:dashboard"),
    )


def _date(value: datetime.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _describe(report: OwedReport, today: datetime.date) -> str:
    days = (today - report.due_date).days
    if days < 0:
        when = f"将于{_date(report.due_date)}截止，还有 {-days} 天"
    elif days == 0:
        when = f"今天（{_date(report.due_date)}）截止"
    else:
        when = f"截止日期{_date(report.due_date)}，已逾期 {days} 天"
    status = {
        None: "尚未填报",
        Report.Status.DRAFT: "草稿未提交",
        Report.Status.RETURNED: "已退回，请按审核意见修改后重新提交",
    }.get(report.status, "")
    month = f"{report.month.year}年{report.month.month}月"
    return f"{month}　第{report.campaign_number}项「{report.campaign_title}」：{when}（{status}）"
