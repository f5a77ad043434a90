"""What the dashboard computes: the month's matrix, monthly rates, the ranking, the overdue list."""

import datetime

import pytest

from agencies import selectors
from agencies.models import Agency
from reports.models import State, submitted_late
from tests.agencies.conftest import at
from tests.factories import SupervisionOrderFactory

pytestmark = pytest.mark.django_db

MAY = datetime.date(2025, 5, 1)
DUE = datetime.date(2025, 6, 5)
AFTER_DUE = datetime.date(2025, 6, 10)


def cell(data, number, agency_name):
    for row in data.rows:
        if row.campaign.number == number:
            for candidate in row.cells:
                if candidate and candidate.agency.name == agency_name:
                    return candidate
    raise AssertionError(f"no cell {number} {agency_name}")


def test_matrix_states_follow_report_state(make_report):
    """Each cell takes the reports app's state: accepted, submitted, late, returned, overdue (draft or missing)."""
    make_report(8, "区发展改革委", MAY, status="accepted")
    make_report(8, "区人力社保局", MAY, status="submitted", submitted_at=at(DUE, 23, 59))
    make_report(13, "区人力社保局", MAY, status="submitted", submitted_at=at(DUE + datetime.timedelta(days=1), 0, 30))
    make_report(13, "区教育局", MAY, status="returned")
    make_report(13, "区科委", MAY, status="draft")
    data = selectors.dashboard(month=MAY, today=AFTER_DUE)
    assert cell(data, 8, "区发展改革委").state == State.ACCEPTED
    assert cell(data, 8, "区人力社保局").state == State.SUBMITTED
    assert cell(data, 13, "区人力社保局").state == State.LATE
    assert cell(data, 13, "区教育局").state == State.RETURNED
    assert cell(data, 13, "区科委").state == State.OVERDUE
    assert cell(data, 13, "区发展改革委").state == State.OVERDUE  # never opened
    assert cell(data, 13, "区发展改革委").report_id is None


def test_unreported_cell_is_not_due_until_the_due_day_ends(make_report):
    """On the due day itself a missing report is not yet due; the next day it is overdue."""
    assert cell(selectors.dashboard(month=MAY, today=DUE), 8, "区人力社保局").state == State.NOT_DUE
    assert cell(selectors.dashboard(month=MAY, today=DUE + datetime.timedelta(days=1)), 8, "区人力社保局").state == (
        State.OVERDUE
    )


def test_matrix_is_campaign_by_lead_without_the_office():
    """Rows are the campaigns with a reporting lead, columns their lead agencies; 区文明办 owes no report."""
    data = selectors.dashboard(month=MAY, today=AFTER_DUE)
    names = [agency.name for agency in data.agencies]
    assert "区文明办" not in names
    assert names[:3] == ["区发展改革委", "区网信办", "区人民法院"]  # the plan's order
    numbers = [row.campaign.number for row in data.rows]
    assert 27 not in numbers  # 五.4 is led by 区文明办 alone
    assert 24 in numbers and 1 in numbers
    leads_of_8 = sorted(c.agency.name for c in next(r for r in data.rows if r.campaign.number == 8).cells if c)
    assert leads_of_8 == ["区人力社保局", "区发展改革委"]
    assert len(data.cells) == 53


def test_on_time_rate_uses_the_shanghai_day(make_report):
    """The aggregate's on-time count agrees with submitted_late at the Asia/Shanghai day boundary.

    00:30 on 6 June in Shanghai is still 5 June in UTC: counted late all the same.
    """
    just_in = at(DUE, 23, 59)
    just_late = at(DUE + datetime.timedelta(days=1), 0, 30)
    make_report(8, "区发展改革委", MAY, submitted_at=just_in)
    make_report(8, "区人力社保局", MAY, submitted_at=just_late)
    assert not submitted_late(just_in, DUE) and submitted_late(just_late, DUE)
    (rate,) = selectors.monthly_rates(start=MAY, end=MAY, owed=53)
    assert (rate.submitted, rate.on_time, rate.accepted) == (2, 1, 0)
    assert rate.on_time_rate == round(100 / 53, 1)


def test_rates_per_month_in_one_series(make_report):
    """Submission, on-time and acceptance rates per month, starting at the first month with a report."""
    april = datetime.date(2025, 4, 1)
    make_report(8, "区发展改革委", april, status="accepted")
    make_report(8, "区人力社保局", april, status="accepted", submitted_at=at(datetime.date(2025, 5, 9)))
    make_report(8, "区发展改革委", MAY, status="submitted")
    data = selectors.dashboard(month=MAY, today=AFTER_DUE)
    assert [rate.month for rate in data.trend] == [april, MAY]
    april_rate, may_rate = data.trend
    assert (april_rate.owed, april_rate.submitted, april_rate.on_time, april_rate.accepted) == (53, 2, 1, 2)
    assert april_rate.acceptance_rate == 100.0
    assert (may_rate.submitted, may_rate.on_time, may_rate.accepted) == (1, 1, 0)
    assert selectors.chart_data(data)["labels"] == ["2025-04", "2025-05"]


def test_trend_window_is_a_setting(make_report, settings):
    """DASHBOARD_TREND_MONTHS bounds how many months the charts show."""
    settings.DASHBOARD_TREND_MONTHS = 3
    for month in (1, 2, 3, 4, 5):
        make_report(8, "区发展改革委", datetime.date(2025, month, 1))
    data = selectors.dashboard(month=MAY, today=AFTER_DUE)
    assert [rate.month.month for rate in data.trend] == [3, 4, 5]


def test_months_without_reports_count_as_zero(make_report):
    """A month inside the series in which nobody reported shows 0%, not a gap."""
    make_report(8, "区发展改革委", datetime.date(2025, 3, 1))
    make_report(8, "区发展改革委", MAY)
    data = selectors.dashboard(month=MAY, today=AFTER_DUE)
    assert [(rate.month.month, rate.submitted) for rate in data.trend] == [(3, 1), (4, 0), (5, 1)]


def test_ranking_score_uses_weights_from_settings(make_report, settings, office_user):
    """Score = on-time rate × weight + acceptance rate × weight − open rectifications × weight."""
    settings.DASHBOARD_WEIGHT_ON_TIME = 60
    settings.DASHBOARD_WEIGHT_ACCEPTANCE = 40
    settings.DASHBOARD_WEIGHT_OPEN_RECTIFICATION = 10
    make_report(8, "区人力社保局", MAY, status="accepted")
    make_report(13, "区人力社保局", MAY, status="submitted", submitted_at=at(datetime.date(2025, 6, 8)))
    SupervisionOrderFactory(agency=Agency.objects.get(name="区人力社保局"), issued_by=office_user, issued_on=MAY)
    data = selectors.dashboard(month=MAY, today=AFTER_DUE)
    entry = next(e for e in data.ranking if e.agency.name == "区人力社保局")
    assert (entry.owed, entry.submitted, entry.on_time, entry.accepted) == (2, 2, 1, 1)
    assert (entry.on_time_rate, entry.acceptance_rate, entry.open_rectifications) == (50.0, 50.0, 1)
    assert entry.score == 60 * 0.5 + 40 * 0.5 - 10  # 40.0
    assert entry.rank == 1
    settings.DASHBOARD_WEIGHT_OPEN_RECTIFICATION = 50
    entry = next(e for e in selectors.dashboard(month=MAY, today=AFTER_DUE).ranking if e.agency.name == "区人力社保局")
    assert entry.score == 0.0


def test_ranking_orders_by_score_and_shares_ranks(make_report):
    """Higher score ranks first; equal scores share a rank (1, 2, 2, 4 …)."""
    make_report(15, "区民政局", MAY, status="accepted")
    make_report(16, "区民政局", MAY, status="accepted")
    make_report(2, "区网信办", MAY, status="submitted")
    data = selectors.dashboard(month=MAY, today=AFTER_DUE)
    top = [(e.rank, e.agency.name, e.score) for e in data.ranking[:2]]
    assert top == [(1, "区民政局", 100.0), (2, "区网信办", 60.0)]
    zeros = [e for e in data.ranking if e.score == 0]
    assert {e.rank for e in zeros} == {3}
    assert len(data.ranking) == len(data.agencies)


def test_open_rectifications_are_counted_at_the_end_of_the_month(office_user, agency):
    """A rectification open on the month's last day counts; one closed before, or issued after, does not."""
    SupervisionOrderFactory(agency=agency, issued_by=office_user, issued_on=datetime.date(2025, 5, 20))
    SupervisionOrderFactory(
        agency=agency,
        issued_by=office_user,
        issued_on=datetime.date(2025, 5, 2),
        status="closed",
        closed_at=at(datetime.date(2025, 5, 30)),
    )
    SupervisionOrderFactory(
        agency=agency,
        issued_by=office_user,
        issued_on=datetime.date(2025, 5, 3),
        status="closed",
        closed_at=at(datetime.date(2025, 6, 2)),
    )
    SupervisionOrderFactory(agency=agency, issued_by=office_user, issued_on=datetime.date(2025, 6, 3))
    SupervisionOrderFactory(agency=agency, issued_by=office_user, issued_on=MAY, kind="reminder")
    assert selectors.open_rectifications_at(datetime.date(2025, 5, 31)) == {agency.pk: 2}


def test_overdue_list_shows_days_and_reminders(make_report, office_user, agency):
    """The overdue list names each overdue (campaign, agency) with days overdue and 催办 already sent."""
    from campaigns.models import Campaign

    make_report(8, "区发展改革委", MAY, status="accepted")
    SupervisionOrderFactory(
        agency=agency,
        issued_by=office_user,
        kind="reminder",
        campaign=Campaign.objects.get(number=8),
        report_month=MAY,
        issued_on=datetime.date(2025, 6, 7),
    )
    data = selectors.dashboard(month=MAY, today=AFTER_DUE)
    item = next(i for i in data.overdue if i.cell.campaign.number == 8)
    assert item.cell.agency == agency
    assert (item.days_overdue, item.reminders, item.last_reminded) == (5, 1, datetime.date(2025, 6, 7))
    assert len(data.overdue) == 52


def test_review_queue_counts_submitted_reports(make_report):
    """The review queue is every report submitted and not yet accepted or returned, of any month."""
    make_report(8, "区发展改革委", MAY, status="submitted")
    make_report(8, "区发展改革委", datetime.date(2025, 4, 1), status="submitted")
    make_report(8, "区人力社保局", MAY, status="accepted")
    assert selectors.dashboard(month=MAY, today=AFTER_DUE).review_queue == 2


def test_open_orders_most_urgent_first(office_user, agency):
    """Open orders are listed red, then blue, then yellow, then the rest."""
    today = datetime.date(2025, 6, 20)
    plain = SupervisionOrderFactory(
        agency=agency, issued_by=office_user, issued_on=today, deadline=today + datetime.timedelta(days=30)
    )
    yellow = SupervisionOrderFactory(
        agency=agency, issued_by=office_user, issued_on=datetime.date(2025, 6, 1), deadline=datetime.date(2025, 6, 30)
    )
    red = SupervisionOrderFactory(agency=agency, issued_by=office_user, deadline=datetime.date(2025, 6, 19))
    blue = SupervisionOrderFactory(agency=agency, issued_by=office_user, deadline=datetime.date(2025, 6, 22))
    SupervisionOrderFactory(agency=agency, issued_by=office_user, status="closed")
    items = selectors.open_orders(today)
    assert [(item.order, item.colour) for item in items] == [
        (red, "red"),
        (blue, "blue"),
        (yellow, "yellow"),
        (plain, ""),
    ]
