"""The deadline colour of open supervision orders and the one-row rules of an order."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from agencies.models import SupervisionOrder, deadline_colour

ISSUED = datetime.date(2025, 6, 1)
DEADLINE = datetime.date(2025, 6, 21)  # 20 days: half is 10 days, "within 3 days" from 06-18


def colour(today, status="open", deadline=DEADLINE, issued=ISSUED):
    return deadline_colour(status=status, issued_on=issued, deadline=deadline, today=today)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2025, 6, 1), ""),  # just issued
        (datetime.date(2025, 6, 11), ""),  # exactly half the time gone: not past half yet
        (datetime.date(2025, 6, 12), "yellow"),  # past half with no answer
        (datetime.date(2025, 6, 17), "yellow"),  # 4 days left
        (datetime.date(2025, 6, 18), "blue"),  # 3 days left: due within 3 days
        (datetime.date(2025, 6, 21), "blue"),  # the deadline day itself is still in time
        (datetime.date(2025, 6, 22), "red"),  # the day after the deadline: overdue
    ],
)
def test_deadline_colour_boundaries(today, expected):
    """Blue within 3 days of the deadline, yellow past half the time with no answer, red once overdue."""
    assert colour(today) == expected


def test_returned_order_is_coloured_like_an_open_one():
    """An order sent back waits for the agency again, so it is coloured by its deadline."""
    assert colour(datetime.date(2025, 6, 22), status="returned") == "red"


@pytest.mark.parametrize("status", ["answered", "closed"])
def test_orders_not_waiting_for_the_agency_are_not_coloured(status):
    """An answered order waits for the office and a closed one for nobody: no deadline colour."""
    assert colour(datetime.date(2025, 7, 30), status=status) == ""


def test_order_without_deadline_is_not_coloured():
    """Without a deadline there is nothing to be late for."""
    assert colour(datetime.date(2030, 1, 1), deadline=None) == ""


def test_short_order_turns_blue_at_once():
    """A 2-day order is within 3 days of its deadline from the day it is issued."""
    assert colour(ISSUED, deadline=ISSUED + datetime.timedelta(days=2)) == "blue"


def test_due_soon_days_is_a_setting(settings):
    """SUPERVISION_DUE_SOON_DAYS sets how early an order turns blue."""
    settings.SUPERVISION_DUE_SOON_DAYS = 5
    assert colour(datetime.date(2025, 6, 16)) == "blue"


@pytest.mark.django_db
def test_rectification_needs_a_deadline(agency, office_user):
    """限期整改 without a deadline is refused with a message next to the deadline field."""
    order = SupervisionOrder(
        kind="rectification", agency=agency, title="整改", content="请整改", issued_on=ISSUED, issued_by=office_user
    )
    with pytest.raises(ValidationError) as error:
        order.full_clean()
    assert error.value.message_dict["deadline"] == ["限期整改必须规定办理期限。"]


@pytest.mark.django_db
def test_interview_needs_date_and_interviewee(agency, office_user):
    """约谈 needs the interview date and who is interviewed."""
    order = SupervisionOrder(
        kind="interview",
        agency=agency,
        title="约谈",
        content="约谈主要负责同志",
        issued_on=ISSUED,
        issued_by=office_user,
    )
    with pytest.raises(ValidationError) as error:
        order.full_clean()
    assert error.value.message_dict["interview_date"] == ["约谈须填写约谈日期。"]
    assert error.value.message_dict["interviewee"] == ["约谈须填写被约谈人（姓名及职务）。"]


@pytest.mark.django_db
def test_deadline_before_issue_is_refused(agency, office_user):
    """A deadline before the day of issue makes no sense."""
    order = SupervisionOrder(
        kind="reminder",
        agency=agency,
        title="催办",
        content="请报送",
        issued_on=ISSUED,
        deadline=ISSUED - datetime.timedelta(days=1),
        issued_by=office_user,
    )
    with pytest.raises(ValidationError) as error:
        order.full_clean()
    assert "办理期限不能早于下发日期。" in error.value.message_dict["deadline"]


@pytest.mark.django_db
def test_office_cannot_supervise_itself(office_agency, office_user):
    """区文明办 issues orders; it is never the agency supervised."""
    order = SupervisionOrder(
        kind="commendation", agency=office_agency, title="表扬", content="表扬", issued_on=ISSUED, issued_by=office_user
    )
    with pytest.raises(ValidationError) as error:
        order.full_clean()
    assert error.value.message_dict["agency"] == ["不能对区文明办自身下发督办事项。"]


@pytest.mark.django_db
def test_report_must_belong_to_the_agency(make_report, agency, office_user):
    """An order about a report names the report's own agency."""
    report = make_report(8, "区发展改革委", datetime.date(2025, 5, 1))
    order = SupervisionOrder(
        kind="reminder",
        agency=agency,
        report=report,
        title="催办",
        content="请报送",
        issued_on=ISSUED,
        issued_by=office_user,
    )
    with pytest.raises(ValidationError) as error:
        order.full_clean()
    assert error.value.message_dict["report"] == ["所选报告不属于被督办单位。"]
