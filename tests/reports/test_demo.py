"""Demo data: several months of reports in every state, and a second run adds nothing."""

import io

import pytest
from django.utils import timezone

from reports.models import MonthLock, Report, State

pytestmark = pytest.mark.django_db


def test_demo_reports_cover_every_state_and_are_idempotent(settings):
    """seed_demo's reports show every state on the dashboard; running it again changes nothing."""
    from agencies import demo as agencies_demo
    from reports import demo

    agencies_demo.seed(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    today = timezone.localdate()
    reports = list(Report.objects.all())
    states = {report.state(today) for report in reports}
    assert states == set(State)
    assert {report.status for report in reports} == set(Report.Status.values)
    assert len({report.month for report in reports}) >= 5
    assert not Report.history.filter(history_user=None).exists()  # every change says who made it
    assert MonthLock.objects.count() == 1
    assert "demo reports:" in out.getvalue()
    count = Report.objects.count()
    demo.seed(io.StringIO())
    assert Report.objects.count() == count
