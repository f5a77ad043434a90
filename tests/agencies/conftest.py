"""Fixtures of the dashboard and supervision tests: reports made directly, at fixed dates."""

import datetime

import pytest

from reports.models import Report, due_date_for

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """An aware datetime at ``hour:minute`` Asia/Shanghai on ``day``."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def make_report(db):
    """Create a report of (campaign number, agency name, month) in a given state, as the reports app would."""
    from agencies.models import Agency
    from campaigns.models import Campaign

    def make(number: int, agency: str, month: datetime.date, status: str = "submitted", submitted_at=None):
        due = due_date_for(month)
        if status != "draft" and submitted_at is None:
            submitted_at = at(due - datetime.timedelta(days=1))
        return Report.objects.create(
            campaign=Campaign.objects.get(number=number),
            agency=Agency.objects.by_name(agency),
            month=month,
            due_date=due,
            status=status,
            submitted_at=submitted_at if status != "draft" else None,
            last_submitted_at=submitted_at if status != "draft" else None,
        )

    return make


@pytest.fixture
def other_reporter(db):
    """A reporter of 区民政局, which leads campaigns 15 and 16."""
    from agencies.models import Agency
    from tests.factories import UserFactory

    return UserFactory(agency=Agency.objects.get(name="区民政局"), role="reporter", username="reporter2")
