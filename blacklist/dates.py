"""Date arithmetic of the list rules: publicity periods in months, repair deadlines in working days."""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day if needed."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def holidays() -> set[datetime.date]:
    return {datetime.date.fromisoformat(value) for value in settings.REPAIR_HOLIDAYS}


def is_working_day(day: datetime.date, off: set[datetime.date] | None = None) -> bool:
    return day.weekday() < 5 and day not in (off if off is not None else holidays())


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The ``count``-th working day after ``day`` (weekends and ``REPAIR_HOLIDAYS`` do not count)."""
    off = holidays()
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, off):
            count -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    off = holidays()
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + datetime.timedelta(days=n), off))
