"""Repair deadlines (DESIGN §4, section 五.3): the office is warned of repair applications whose
decision is due within ``REPAIR_DEADLINE_WARNING_DAYS`` calendar days, or already overdue.

Daily, one digest to every office reviewer (portal and email), at most once a day: the day is
recorded (``JobRun``) before anything is sent, in the same transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from agencies.models import JobRun
from agencies.notifications import Outgoing, messages_send, office_reviewers

from .models import RepairApplication

JOB = "repair_deadlines"


@dataclass(frozen=True)
class DeadlineResult:
    near: int = 0
    overdue: int = 0
    warned: bool = False
    reason: str = ""

    def __str__(self) -> str:
        told = "yes" if self.warned else f"no, {self.reason}"
        return f"repair applications near their deadline: {self.near} (overdue: {self.overdue}; office warned: {told})"


def applications_near_deadline(*, today: datetime.date) -> list[RepairApplication]:
    """Undecided applications due by ``today`` + the warning days, most urgent first."""
    limit = today + datetime.timedelta(days=settings.REPAIR_DEADLINE_WARNING_DAYS)
    return list(
        RepairApplication.objects.open()
        .filter(due_date__lte=limit)
        .select_related("entry__subject", "entry__deciding_agency")
        .order_by("due_date", "pk")
    )


def repair_deadlines_check(*, today: datetime.date) -> DeadlineResult:
    """Warn the office, once today, of every application close to or past its deadline."""
    applications = applications_near_deadline(today=today)
    overdue = sum(1 for application in applications if application.due_date < today)
    if not applications:
        return DeadlineResult(reason="none near their deadline")
    if JobRun.objects.filter(job=JOB, day=today).exists():
        return DeadlineResult(len(applications), overdue, reason="already warned today")
    with transaction.atomic():
        try:
            with transaction.atomic():
                JobRun.objects.create(job=JOB, day=today)
        except IntegrityError:  # another worker warned a moment ago
            return DeadlineResult(len(applications), overdue, reason="already warned today")
        lines = [
            f"以下 {len(applications)} 件信用修复申请临近或超过办理期限（其中超期 {overdue} 件），请及时作出决定。",
            "",
        ]
        lines += [f"· {_describe(application, today)}" for application in applications]
        messages_send(
            messages=[
                Outgoing(
                    recipients=office_reviewers(),
                    title=f"信用修复办理期限提醒：{len(applications)} 件临近或超期",
                    body="\n".join(lines),
                    link=reverse("blacklist:repair_list"),
                )
            ]
        )
    return DeadlineResult(len(applications), overdue, warned=True)


def _describe(application: RepairApplication, today: datetime.date) -> str:
    entry = application.entry
    days = (application.due_date - today).days
    due = f"{application.due_date.year}年{application.due_date.month}月{application.due_date.day}日"
    if days > 0:
        when = f"办理期限{due}，还剩 {days} 天"
    elif days == 0:
        when = f"今天（{due}）到期"
    else:
        when = f"办理期限{due}，已超期 {-days} 天"
    return (
        f"{entry.subject.name}（{entry.get_list_display()}，认定部门{entry.deciding_agency.name}）"
        f"申请人{application.applicant_name}，{application.submitted_at:%Y-%m-%d}申请：{when}"
    )
