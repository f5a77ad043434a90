"""Due dates, lateness at the Asia/Shanghai day boundary, and indicator validation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from reports.models import Indicator, State, due_date_for, report_state, submitted_late
from tests.reports.conftest import shanghai

DUE = datetime.date(2026, 4, 5)  # the March 2026 report


def test_due_date_is_the_fifth_of_the_following_month():
    """By default a month's report is due on the 5th of the next month, December's in January."""
    assert due_date_for(datetime.date(2026, 3, 1)) == DUE
    assert due_date_for(datetime.date(2025, 12, 1)) == datetime.date(2026, 1, 5)


def test_due_day_is_configurable(settings):
    """REPORT_DUE_DAY moves the due day."""
    settings.REPORT_DUE_DAY = 10
    assert due_date_for(datetime.date(2026, 3, 1)) == datetime.date(2026, 4, 10)


def test_due_day_outside_every_month_fails_the_system_check(settings):
    """A due day that February lacks (29–31) is refused by manage.py check."""
    settings.REPORT_DUE_DAY = 31
    with pytest.raises(SystemCheckError, match="REPORT_DUE_DAY must be a day between 1 and 28"):
        call_command("check")


@pytest.mark.parametrize(
    ("submitted_at", "late"),
    [
        (shanghai(2026, 4, 5, 23, 59, 59), False),
        (shanghai(2026, 4, 6, 0, 0, 0), True),
        # The same instants in UTC: the Shanghai calendar decides, not the UTC one.
        (datetime.datetime(2026, 4, 5, 15, 59, 59, tzinfo=datetime.UTC), False),
        (datetime.datetime(2026, 4, 5, 16, 0, 0, tzinfo=datetime.UTC), True),
    ],
)
def test_lateness_at_the_shanghai_day_boundary(submitted_at, late):
    """23:59:59 on the due day in Shanghai is on time; 00:00:00 the next day is late."""
    assert submitted_late(submitted_at, DUE) is late
    state = report_state(status="submitted", submitted_at=submitted_at, due_date=DUE, today=datetime.date(2026, 5, 1))
    assert state == (State.LATE if late else State.SUBMITTED)


@pytest.mark.parametrize(("today", "state"), [(DUE, State.NOT_DUE), (DUE + datetime.timedelta(days=1), State.OVERDUE)])
@pytest.mark.parametrize("status", [None, "draft"])
def test_overdue_starts_the_day_after_the_due_date(status, today, state):
    """A report not submitted (not started or draft) is not due on its due day and overdue the day after."""
    assert report_state(status=status, submitted_at=None, due_date=DUE, today=today) == state


def test_returned_and_accepted_states_do_not_depend_on_the_date():
    """Returned and accepted reports keep their state whatever the day."""
    late = shanghai(2026, 4, 9, 9, 0)
    assert report_state(status="returned", submitted_at=late, due_date=DUE, today=DUE) == State.RETURNED
    assert report_state(status="accepted", submitted_at=late, due_date=DUE, today=DUE) == State.ACCEPTED


def _indicator(**kwargs):
    values = {"name": "涉及农民工人数", "kind": "integer", "min_value": Decimal(0), "max_value": Decimal(5000)}
    return Indicator(**{**values, **kwargs})


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1.5", "“涉及农民工人数”应填写整数。"),
        ("abc", "“涉及农民工人数”应填写整数。"),
        ("-1", "“涉及农民工人数”不能小于 0。"),
        ("5001", "“涉及农民工人数”不能大于 5000。"),
        ("NaN", "“涉及农民工人数”应填写整数。"),
        ("1e30", "“涉及农民工人数”数值过大。"),
    ],
)
def test_integer_indicator_refuses_bad_values(raw, message):
    """An integer indicator refuses fractions, text and values outside its bounds, naming itself."""
    with pytest.raises(ValidationError) as error:
        _indicator().parse(raw)
    assert error.value.messages == [message]


def test_indicator_parses_values_and_treats_blank_as_empty():
    """Valid values become decimals; blank means "not reported"."""
    assert _indicator().parse("12") == Decimal(12)
    assert _indicator().parse(" ") is None
    assert _indicator().parse(None) is None
    money = _indicator(name="追讨欠薪金额", kind="decimal", max_value=None)
    assert money.parse("3.25") == Decimal("3.25")
    with pytest.raises(ValidationError, match="最多保留两位小数"):
        money.parse("3.255")
    with pytest.raises(ValidationError, match="“追讨欠薪金额”应填写数字。"):
        money.parse("三万")


def test_integer_indicator_bounds_must_be_integers():
    """An integer indicator cannot have a fractional bound."""
    indicator = _indicator(max_value=Decimal("10.5"))
    with pytest.raises(ValidationError) as error:
        indicator.clean()
    assert error.value.message_dict == {"max_value": ["整数指标的上下限必须是整数。"]}


@pytest.mark.django_db
def test_indicator_minimum_cannot_exceed_maximum(campaign8):
    """min > max is refused with a Chinese message."""
    indicator = _indicator(campaign=campaign8, min_value=Decimal(10), max_value=Decimal(5))
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert "最小值不能大于最大值。" in error.value.messages
