"""Reads of monthly reports for pages, API and exports: each runs a fixed number of queries."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from campaigns.models import Campaign, CampaignLead, CampaignParticipant

from . import permissions
from .models import (
    Attachment,
    Contribution,
    Indicator,
    IndicatorValue,
    MonthLock,
    Report,
    State,
    due_date_for,
    plain_number,
    report_state,
)

# --- Months --------------------------------------------------------------------------------------


def previous_month(day: datetime.date) -> datetime.date:
    first = day.replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def default_task_month(today: datetime.date) -> datetime.date:
    """The month a reporter works on now: last month's report is what falls due this month."""
    return previous_month(today)


# A reporting month as the API, filters and pages write it; years 1900–2099 keep every due date valid.
MONTH_PATTERN = r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"


def parse_month(text: str | None) -> datetime.date | None:
    """``YYYY-MM`` as the first day of that month, or None when it is not one."""
    text = (text or "").strip()
    if not re.fullmatch(MONTH_PATTERN, text):
        return None
    year, month = text.split("-")
    return datetime.date(int(year), int(month), 1)


# --- Querysets with what each page shows ----------------------------------------------------------


def report_list_queryset() -> QuerySet[Report]:
    """Reports with what a list row shows (campaign, agency, reviewer) in one query."""
    return Report.objects.select_related("campaign", "agency", "reviewed_by")


def report_full_queryset() -> QuerySet[Report]:
    """Reports with everything the detail page, the API and the export show, in a fixed number of queries."""
    return report_list_queryset().prefetch_related(
        Prefetch("indicator_values", queryset=IndicatorValue.objects.select_related("indicator")),
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
        Prefetch("contributions", queryset=Contribution.objects.select_related("agency", "updated_by")),
    )


def review_queue(user) -> QuerySet[Report]:
    """Submitted reports waiting for the office, the longest waiting first."""
    return (
        report_list_queryset()
        .visible_to(user)
        .filter(status=Report.Status.SUBMITTED)
        .order_by("last_submitted_at", "pk")
    )


# --- "My tasks" ---------------------------------------------------------------------------------------


@dataclass
class Task:
    """One report an agency owes: a (campaign, month) it leads, started or not."""

    campaign: Campaign
    month: datetime.date
    due_date: datetime.date
    report: Report | None
    state: State
    can_edit: bool

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else _("未开始")


def month_tasks(*, agency: Agency, month: datetime.date, today: datetime.date, user) -> list[Task]:
    """Every report ``agency`` owes for ``month`` (one per campaign it leads), with its state today."""
    leads = CampaignLead.objects.filter(agency=agency).select_related("campaign").order_by("campaign__number")
    reports = {r.campaign_id: r for r in Report.objects.filter(agency=agency, month=month)}
    month_open = permissions.month_open_for(agency.pk, month)
    due = due_date_for(month)
    tasks = []
    for lead in leads:
        report = reports.get(lead.campaign_id)
        if report is None:
            state = report_state(status=None, submitted_at=None, due_date=due, today=today)
            can_edit = month_open and permissions.can_open_report(user) and month <= today.replace(day=1)
        else:
            report.campaign = lead.campaign
            report.agency = agency
            state = report.state(today)
            can_edit = permissions.can_edit_report(user, report, month_open=month_open)
        tasks.append(Task(lead.campaign, month, report.due_date if report else due, report, state, can_edit))
    return tasks


OUTSTANDING_LIMIT = 50


def outstanding_reports(*, agency: Agency, exclude_month: datetime.date) -> QuerySet[Report]:
    """The agency's drafts and returned reports of other months, still waiting for it, the oldest first.

    At most ``OUTSTANDING_LIMIT``: the page links to the full list of past reports for the rest.
    """
    return (
        report_list_queryset()
        .filter(agency=agency, status__in=[Report.Status.DRAFT, Report.Status.RETURNED])
        .exclude(month=exclude_month)
        .order_by("month", "campaign__number")[:OUTSTANDING_LIMIT]
    )


def contribution_requests(*, agency: Agency, month: datetime.date) -> list[tuple[Report, Contribution | None]]:
    """Reports of ``month`` on campaigns ``agency`` takes part in, each with the agency's contribution."""
    joined = CampaignParticipant.objects.filter(agency=agency).values("campaign_id")
    reports = (
        report_list_queryset()
        .filter(month=month, campaign_id__in=joined)
        .exclude(agency=agency)
        .prefetch_related(Prefetch("contributions", queryset=Contribution.objects.filter(agency=agency)))
        .order_by("campaign__number", "agency__order")
    )
    return [(report, next(iter(report.contributions.all()), None)) for report in reports]


# --- One report --------------------------------------------------------------------------------------


@dataclass
class IndicatorRow:
    indicator: Indicator
    value: IndicatorValue | None


def indicator_rows(report: Report) -> list[IndicatorRow]:
    """The campaign's active indicators with this report's values, plus retired ones it has values for."""
    values = {v.indicator_id: v for v in report.indicator_values.all()}
    rows = [
        IndicatorRow(indicator, values.pop(indicator.pk, None))
        for indicator in Indicator.objects.filter(campaign_id=report.campaign_id, is_active=True)
    ]
    rows += [IndicatorRow(value.indicator, value) for value in values.values()]
    return rows


def participant_agencies(campaign_id: int) -> list[Agency]:
    return [
        link.agency for link in CampaignParticipant.objects.filter(campaign_id=campaign_id).select_related("agency")
    ]


# --- History ---------------------------------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    """One recorded change to a report or to something attached to it (可查可核可溯)."""

    at: datetime.datetime
    user: str
    subject: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)
    order: int = 0


_SKIPPED = {"created_at", "updated_at", "id", "report", "file"}


def report_history(report: Report) -> list[HistoryEntry]:
    """Every change to the report, its indicator values, attachments and contributions, newest first.

    Each entry says who, when, what and the old and new values, from django-simple-history's
    records (four queries however long the history is).
    """
    entries: list[HistoryEntry] = []
    report_records = list(
        report.history.select_related("history_user", "reviewed_by").order_by("history_date", "history_id")
    )
    users = {r.reviewed_by_id: r.reviewed_by.username for r in report_records if r.reviewed_by_id and r.reviewed_by}
    entries += _entries(report_records, _("报告"), lambda field, value: _report_value(field, value, users))

    value_records = IndicatorValue.history.filter(report_id=report.pk).select_related("history_user", "indicator")
    for records in _by_object(value_records).values():
        subject = _("指标“%(name)s”") % {"name": records[-1].indicator.name if records[-1].indicator else "?"}
        entries += _entries(records, subject, _plain_value, only=("value",))

    attachment_records = Attachment.history.filter(report_id=report.pk).select_related("history_user")
    for records in _by_object(attachment_records).values():
        subject = _("附件“%(name)s”") % {"name": records[-1].name}
        entries += _entries(records, subject, _plain_value, only=("name", "size"))

    contribution_records = Contribution.history.filter(report_id=report.pk).select_related("history_user", "agency")
    for records in _by_object(contribution_records).values():
        subject = _("协办情况（%(agency)s）") % {"agency": records[-1].agency or "?"}
        entries += _entries(records, subject, _plain_value, only=("text",))

    entries.sort(key=lambda e: (e.at, e.order), reverse=True)
    return entries


def _by_object(records) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for record in records.order_by("history_date", "history_id"):
        grouped.setdefault(record.id, []).append(record)
    return grouped


_ACTIONS = {"+": _("新增"), "~": _("修改"), "-": _("删除")}


def _entries(records: list, subject: str, show, only: tuple[str, ...] | None = None) -> list[HistoryEntry]:
    model = records[0].instance_type if records else None
    fields = model._meta.fields if model else []
    labels = {f.name: str(f.verbose_name) for f in fields}
    position = {f.name: index for index, f in enumerate(fields)}
    entries = []
    previous = None
    for record in records:
        changes = []
        if record.history_type == "+" or previous is None:
            for name in only or ():
                value = getattr(record, name)
                if value not in (None, ""):
                    changes.append(FieldChange(labels.get(name, name), "", show(name, value)))
        elif record.history_type == "-":
            for name in only or ():
                changes.append(FieldChange(labels.get(name, name), show(name, getattr(record, name)), ""))
        else:
            delta = record.diff_against(previous, included_fields=list(only) if only else None)
            for change in sorted(delta.changes, key=lambda c: position.get(c.field, 0)):
                if change.field in _SKIPPED:
                    continue
                changes.append(
                    FieldChange(
                        labels.get(change.field, change.field),
                        show(change.field, change.old),
                        show(change.field, change.new),
                    )
                )
        entries.append(
            HistoryEntry(
                at=record.history_date,
                user=record.history_user.username if record.history_user else _("系统"),
                subject=subject,
                action=record.history_change_reason or _ACTIONS.get(record.history_type, record.history_type),
                changes=changes,
                order=record.history_id,
            )
        )
        previous = record
    return entries


def _plain_value(name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if name == "size":
        return filesizeformat(value)
    return str(value)


def _report_value(name: str, value, users: dict[int, str]) -> str:
    if name == "status" and value:
        return str(Report.Status(value).label)
    if name == "reviewed_by":
        return users.get(value, "") if value else ""
    return _plain_value(name, value)


# --- Month locks ---------------------------------------------------------------------------------------


def month_locks() -> QuerySet[MonthLock]:
    return MonthLock.objects.select_related("locked_by").prefetch_related(
        "reopenings__agency", "reopenings__reopened_by"
    )


def lead_agencies() -> QuerySet[Agency]:
    """Agencies that lead at least one campaign: the ones that owe reports."""
    return Agency.objects.filter(pk__in=CampaignLead.objects.values("agency_id")).order_by("order")
