"""Monthly progress reports (月度工作进展) of the lead units to the Civilization Office.

Section 七.3 of the plan: every lead unit reports its progress to 区文明办 every month.
One report per (campaign, lead agency, month).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from campaigns.models import Campaign


def due_date_for(month: datetime.date) -> datetime.date:
    """The due date of the report for ``month``: a configurable day of the following month.

    Section 七.3 asks for a monthly report; the day (default the 5th) is ``REPORT_DUE_DAY``.
    """
    year, mon = (month.year + 1, 1) if month.month == 12 else (month.year, month.month + 1)
    return datetime.date(year, mon, settings.REPORT_DUE_DAY)


class State(models.TextChoices):
    """What the office sees of one (campaign, lead agency, month) cell on a given day.

    Section 七.3 and 五.4: submitted after the due date is late; not submitted by the due date
    is overdue. ``not_started`` cells have no report row yet.
    """

    ACCEPTED = "accepted", _("已通过")
    SUBMITTED = "submitted", _("已提交")
    LATE = "late", _("逾期提交")
    RETURNED = "returned", _("已退回")
    OVERDUE = "overdue", _("逾期未报")
    NOT_DUE = "not_due", _("未到期")


def report_state(
    *, status: str | None, submitted_at: datetime.datetime | None, due_date: datetime.date, today: datetime.date
) -> State:
    """The one rule that colours a report: used by pages, API, dashboard and reminders alike.

    ``status`` is None when the agency has not opened the report yet; ``today`` and the due date
    are dates in Asia/Shanghai (the whole due day counts as on time).
    """
    if status == Report.Status.ACCEPTED:
        return State.ACCEPTED
    if status == Report.Status.SUBMITTED:
        return State.LATE if submitted_late(submitted_at, due_date) else State.SUBMITTED
    if status == Report.Status.RETURNED:
        return State.RETURNED
    return State.OVERDUE if today > due_date else State.NOT_DUE


def submitted_late(submitted_at: datetime.datetime | None, due_date: datetime.date) -> bool:
    """True when the first submission came after the due day ended in Asia/Shanghai."""
    if submitted_at is None:
        return False
    return timezone.localtime(submitted_at).date() > due_date


class Report(models.Model):
    """The progress report of one lead agency on one campaign for one month (section 七.3).

    ``month`` is always the first day of the month reported on. Late and overdue are derived
    from ``due_date`` and ``submitted_at`` in Asia/Shanghai time, never stored as a status.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已通过")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reports", verbose_name=_("专项治理"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="reports", verbose_name=_("牵头单位"))
    month = models.DateField(_("月份"), help_text=_("所报告月份的第一天"))
    due_date = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)

    work_done = models.TextField(_("工作进展"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_plan = models.TextField(_("下步计划"), blank=True)
    cases_handled = models.PositiveIntegerField(_("办理案件数"), default=0)
    entries_listed = models.PositiveIntegerField(_("列入名单数"), default=0)
    publicity_events = models.PositiveIntegerField(_("宣传活动次数"), default=0)
    money_recovered = models.DecimalField(_("追回金额（万元）"), max_digits=14, decimal_places=2, default=0)

    submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("最近提交时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("月度工作进展报告")
        verbose_name_plural = _("月度工作进展报告")
        ordering = ["-month", "campaign__number", "agency__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "agency", "month"],
                name="report_one_per_campaign_agency_month",
                violation_error_message=_("该单位本月的此项报告已存在。"),
            ),
        ]
        indexes = [models.Index(fields=["month", "status"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.campaign.number} {self.agency}"

    @property
    def is_late(self) -> bool:
        return submitted_late(self.submitted_at, self.due_date)

    def state(self, today: datetime.date | None = None) -> State:
        today = today or timezone.localdate()
        return report_state(status=self.status, submitted_at=self.submitted_at, due_date=self.due_date, today=today)


# --- Issue 7: reminders sent for owed reports -------------------------------------------------


class SentReminder(models.Model):
    """A reminder that went out for one owed report (section 七.3; DESIGN §4).

    The row is written before anything is sent, in the same transaction as the notifications and
    emails it causes. Its unique key makes a second run the same day, a retried task or a second
    worker running at the same moment insert nothing, and so send nothing.
    ``sequence`` numbers the overdue reminders (every N days); it is 0 for the other kinds.
    """

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", _("截止前提醒")
        DUE = "due", _("截止日提醒")
        OVERDUE = "overdue", _("逾期提醒")
        OFFICE = "office", _("逾期通报区文明办")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+", verbose_name=_("专项治理"))
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", verbose_name=_("牵头单位"))
    month = models.DateField(_("月份"), help_text=_("所报告月份的第一天"))
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    sequence = models.PositiveSmallIntegerField(_("序号"), default=0)
    due_date = models.DateField(_("截止日期"))
    sent_on = models.DateField(_("发送日期"))
    run_id = models.UUIDField(_("批次"), db_index=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已发送提醒")
        verbose_name_plural = _("已发送提醒")
        ordering = ["-sent_on", "campaign__number", "agency__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "agency", "month", "kind", "sequence"],
                name="sentreminder_once",
                violation_error_message=_("该提醒已发送过。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.campaign_id} {self.agency_id} {self.kind}#{self.sequence}"
