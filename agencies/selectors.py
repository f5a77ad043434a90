"""Reads of the Civilization Office dashboard: the month's matrix, the monthly rates, the ranking.

Section 七.3: every lead unit reports monthly to 区文明办; section 五.4: the office supervises and
assesses them. The dashboard runs a fixed number of SQL queries however many months of reports
exist: the matrix reads one month, the trend is one aggregate grouped by month, the ranking is
computed from the month already read.
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, CampaignLead
from reports.models import Report, State, due_date_for, report_state, submitted_late

from .models import Agency, DeadlineColour, SupervisionOrder
from .permissions import supervision_orders_visible_to


def add_months(month: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after (or before) ``month``."""
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def default_month(today: datetime.date) -> datetime.date:
    """The month the office watches: the previous one, whose reports fall due this month (七.3)."""
    return add_months(today.replace(day=1), -1)


def last_day(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def owed_leads() -> QuerySet[CampaignLead]:
    """Who owes a monthly report: every lead unit of every campaign or action item (section 七.3).

    区文明办 is left out where the plan names it as a lead (五.1, 五.4, 六.1–六.3): it is the body
    the reports go to, and it has no reporters. Inactive (abolished) agencies owe nothing.
    """
    return (
        CampaignLead.objects.exclude(agency__kind=Agency.Kind.OFFICE)
        .filter(agency__is_active=True)
        .select_related("campaign", "agency")
        .order_by("campaign__number", "position")
    )


def _owed_exists() -> Exists:
    return Exists(
        CampaignLead.objects.exclude(agency__kind=Agency.Kind.OFFICE).filter(
            campaign=OuterRef("campaign"), agency=OuterRef("agency"), agency__is_active=True
        )
    )


_SYMBOLS = {
    State.ACCEPTED: "✓",
    State.SUBMITTED: "●",
    State.LATE: "◔",
    State.RETURNED: "↩",
    State.OVERDUE: "✗",
    State.NOT_DUE: "○",
}


@dataclass
class Cell:
    """One (campaign, lead agency) of the month: its report, if any, and its state on ``today``."""

    campaign: Campaign
    agency: Agency
    state: State
    due_date: datetime.date
    report_id: int | None = None
    status: str | None = None
    submitted_at: datetime.datetime | None = None

    @property
    def css(self) -> str:
        return "status-" + self.state.value.replace("_", "-")

    @property
    def symbol(self) -> str:
        """A mark per state, so the matrix does not rely on colour alone."""
        return _SYMBOLS[self.state]


@dataclass
class MatrixRow:
    campaign: Campaign
    cells: list[Cell | None]


@dataclass
class MonthRate:
    """Submission, on-time and acceptance counts of one month over the reports owed that month."""

    month: datetime.date
    owed: int
    submitted: int = 0
    on_time: int = 0
    accepted: int = 0

    @property
    def submission_rate(self) -> float:
        return _percent(self.submitted, self.owed)

    @property
    def on_time_rate(self) -> float:
        return _percent(self.on_time, self.owed)

    @property
    def acceptance_rate(self) -> float:
        return _percent(self.accepted, self.submitted)


@dataclass
class AgencyScore:
    """One lead agency's monthly assessment (section 五.4): rates, open rectifications, score."""

    agency: Agency
    owed: int = 0
    submitted: int = 0
    on_time: int = 0
    accepted: int = 0
    open_rectifications: int = 0
    score: float = 0.0
    rank: int = 0

    @property
    def on_time_rate(self) -> float:
        return _percent(self.on_time, self.owed)

    @property
    def acceptance_rate(self) -> float:
        return _percent(self.accepted, self.submitted)


@dataclass
class OverdueItem:
    cell: Cell
    days_overdue: int
    reminders: int = 0
    last_reminded: datetime.date | None = None


@dataclass
class OpenOrder:
    order: SupervisionOrder
    colour: str


@dataclass
class Dashboard:
    month: datetime.date
    today: datetime.date
    due_date: datetime.date
    agencies: list[Agency]
    rows: list[MatrixRow]
    state_counts: dict[str, int]
    trend: list[MonthRate]
    ranking: list[AgencyScore]
    overdue: list[OverdueItem]
    review_queue: int
    open_orders: list[OpenOrder] = field(default_factory=list)
    open_order_colours: dict[str, int] = field(default_factory=dict)

    @property
    def cells(self) -> list[Cell]:
        return [cell for row in self.rows for cell in row.cells if cell is not None]

    @property
    def current(self) -> MonthRate:
        return self.trend[-1]

    @property
    def legend(self) -> list[tuple[int, str, str, str]]:
        """(count, label, symbol, css class) of every state, in the order of ``State``."""
        return [
            (self.state_counts.get(state.value, 0), state.label, _SYMBOLS[state], "status-" + state.replace("_", "-"))
            for state in State
        ]


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def score_for(*, on_time_rate: float, acceptance_rate: float, open_rectifications: int) -> float:
    """The assessment score: weighted rates (given in percent) less a penalty per open rectification.

    Weights are the settings ``DASHBOARD_WEIGHT_ON_TIME``, ``DASHBOARD_WEIGHT_ACCEPTANCE`` and
    ``DASHBOARD_WEIGHT_OPEN_RECTIFICATION``.
    """
    score = (
        settings.DASHBOARD_WEIGHT_ON_TIME * on_time_rate / 100
        + settings.DASHBOARD_WEIGHT_ACCEPTANCE * acceptance_rate / 100
        - settings.DASHBOARD_WEIGHT_OPEN_RECTIFICATION * open_rectifications
    )
    return round(score, 1)


def _matrix(links: list[CampaignLead], month: datetime.date, today: datetime.date):
    reports = {
        (r["campaign_id"], r["agency_id"]): r
        for r in Report.objects.filter(month=month).values(
            "id", "campaign_id", "agency_id", "status", "submitted_at", "due_date"
        )
    }
    default_due = due_date_for(month)
    agencies = sorted({link.agency_id: link.agency for link in links}.values(), key=lambda a: (a.order, a.name))
    column = {agency.pk: index for index, agency in enumerate(agencies)}
    rows: dict[int, MatrixRow] = {}
    for link in links:
        row = rows.setdefault(link.campaign_id, MatrixRow(link.campaign, [None] * len(agencies)))
        report = reports.get((link.campaign_id, link.agency_id))
        due = report["due_date"] if report else default_due
        status = report["status"] if report else None
        submitted_at = report["submitted_at"] if report else None
        row.cells[column[link.agency_id]] = Cell(
            campaign=link.campaign,
            agency=link.agency,
            state=report_state(status=status, submitted_at=submitted_at, due_date=due, today=today),
            due_date=due,
            report_id=report["id"] if report else None,
            status=status,
            submitted_at=submitted_at,
        )
    return agencies, list(rows.values())


def monthly_rates(*, start: datetime.date, end: datetime.date, owed: int) -> list[MonthRate]:
    """Counts per month from ``start`` to ``end`` in ONE aggregate query, however many months.

    "On time" is the SQL form of ``reports.models.submitted_late``: the first submission fell on
    or before the due day in Asia/Shanghai (``__date`` converts with the current time zone).
    Only reports owed by a lead agency count; ``owed`` is today's number of (campaign, lead) pairs,
    since the plan's lead units are fixed. The series starts at the first month with a report.
    """
    counted = (
        Report.objects.filter(month__gte=start, month__lte=end)
        .filter(_owed_exists())
        .values("month")
        .annotate(
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
            on_time=Count("pk", filter=Q(submitted_at__date__lte=F("due_date"))),
            accepted=Count("pk", filter=Q(status=Report.Status.ACCEPTED)),
        )
        .order_by("month")
    )
    by_month = {row["month"]: row for row in counted}
    first = min(by_month, default=end)
    series = []
    month = first
    while month <= end:
        row = by_month.get(month, {})
        series.append(
            MonthRate(
                month=month,
                owed=owed,
                submitted=row.get("submitted", 0),
                on_time=row.get("on_time", 0),
                accepted=row.get("accepted", 0),
            )
        )
        month = add_months(month, 1)
    return series


def open_rectifications_at(cutoff: datetime.date) -> dict[int, int]:
    """Rectification orders (限期整改) issued by ``cutoff`` and not closed by then, per agency."""
    rows = (
        SupervisionOrder.objects.filter(kind=SupervisionOrder.Kind.RECTIFICATION, issued_on__lte=cutoff)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gt=cutoff))
        .values("agency_id")
        .annotate(n=Count("pk"))
    )
    return {row["agency_id"]: row["n"] for row in rows}


def _ranking(cells: list[Cell], month: datetime.date, today: datetime.date) -> list[AgencyScore]:
    scores: dict[int, AgencyScore] = {}
    for cell in cells:
        entry = scores.setdefault(cell.agency.pk, AgencyScore(agency=cell.agency))
        entry.owed += 1
        if cell.submitted_at is not None:
            entry.submitted += 1
            if not submitted_late(cell.submitted_at, cell.due_date):
                entry.on_time += 1
        if cell.status == Report.Status.ACCEPTED:
            entry.accepted += 1
    open_counts = open_rectifications_at(min(today, last_day(month)))
    for entry in scores.values():
        entry.open_rectifications = open_counts.get(entry.agency.pk, 0)
        entry.score = score_for(
            on_time_rate=entry.on_time_rate,
            acceptance_rate=entry.acceptance_rate,
            open_rectifications=entry.open_rectifications,
        )
    ranking = sorted(scores.values(), key=lambda s: (-s.score, -s.on_time_rate, s.agency.order, s.agency.name))
    for position, entry in enumerate(ranking, start=1):
        # Equal scores share a rank (1, 2, 2, 4).
        previous = ranking[position - 2] if position > 1 else None
        entry.rank = previous.rank if previous and previous.score == entry.score else position
    return ranking


def _overdue(cells: list[Cell], month: datetime.date, today: datetime.date) -> list[OverdueItem]:
    overdue = [cell for cell in cells if cell.state == State.OVERDUE]
    reminded = {
        (row["campaign_id"], row["agency_id"]): row
        for row in SupervisionOrder.objects.filter(kind=SupervisionOrder.Kind.REMINDER, report_month=month)
        .values("campaign_id", "agency_id")
        .annotate(n=Count("pk"), last=Max("issued_on"))
    }
    items = []
    for cell in overdue:
        sent = reminded.get((cell.campaign.pk, cell.agency.pk), {})
        items.append(
            OverdueItem(
                cell=cell,
                days_overdue=(today - cell.due_date).days,
                reminders=sent.get("n", 0),
                last_reminded=sent.get("last"),
            )
        )
    return items


_URGENCY = {DeadlineColour.RED: 0, DeadlineColour.BLUE: 1, DeadlineColour.YELLOW: 2, "": 3}


def open_orders(today: datetime.date) -> list[OpenOrder]:
    """Every order not yet closed, most urgent first (red, blue, yellow, then by deadline)."""
    orders = SupervisionOrder.objects.not_closed().select_related("agency", "campaign")
    items = [OpenOrder(order, order.deadline_colour(today)) for order in orders]
    items.sort(key=lambda item: (_URGENCY[item.colour], item.order.deadline or datetime.date.max, item.order.pk))
    return items


def dashboard(*, month: datetime.date, today: datetime.date) -> Dashboard:
    """Everything the office's dashboard shows for ``month`` as seen on ``today``."""
    links = list(owed_leads())
    agencies, rows = _matrix(links, month, today)
    cells = [cell for row in rows for cell in row.cells if cell is not None]
    orders = open_orders(today)
    start = add_months(month, 1 - settings.DASHBOARD_TREND_MONTHS)
    return Dashboard(
        month=month,
        today=today,
        due_date=due_date_for(month),
        agencies=agencies,
        rows=rows,
        state_counts=dict(Counter(cell.state.value for cell in cells)),
        trend=monthly_rates(start=start, end=month, owed=len(links)),
        ranking=_ranking(cells, month, today),
        overdue=_overdue(cells, month, today),
        review_queue=Report.objects.filter(status=Report.Status.SUBMITTED).count(),
        open_orders=orders,
        open_order_colours=dict(Counter(item.colour for item in orders if item.colour)),
    )


def chart_data(data: Dashboard) -> dict:
    """What dashboard.js draws: month labels and rates in percent."""
    return {
        "labels": [f"{rate.month:%Y-%m}" for rate in data.trend],
        "submission": [rate.submission_rate for rate in data.trend],
        "on_time": [rate.on_time_rate for rate in data.trend],
        "acceptance": [rate.acceptance_rate for rate in data.trend],
        "names": {"submission": _("报送率"), "on_time": _("按时率"), "acceptance": _("通过率")},
    }


def pending_orders_for(user) -> list[OpenOrder]:
    """The orders a reporter's agency still has to answer, for its "my tasks" page."""
    if not getattr(user, "is_reporter", False):
        return []
    today = timezone.localdate()
    orders = (
        supervision_orders_visible_to(user)
        .awaiting_agency()
        .select_related("campaign")
        .order_by(F("deadline").asc(nulls_last=True), "pk")
    )
    return [OpenOrder(order, order.deadline_colour(today)) for order in orders]


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    created: bool
    changes: list[tuple[str, str, str]]


_HISTORY_SKIPPED = ["updated_at", "created_at", "answered_at", "answered_by", "closed_at", "closed_by"]


def order_history(order: SupervisionOrder) -> list[HistoryEntry]:
    """Every recorded change of an order, oldest first: who, when, field, old and new value (可查可核可溯)."""
    records = list(order.history.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=_HISTORY_SKIPPED)
            for change in delta.changes:
                model_field = SupervisionOrder._meta.get_field(change.field)
                changes.append(
                    (
                        str(model_field.verbose_name),
                        _display(model_field, change.old),
                        _display(model_field, change.new),
                    )
                )
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user.username if record.history_user else "",
                created=previous is None,
                changes=changes,
            )
        )
        previous = record
    return entries


def _display(model_field, value) -> str:
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)
