"""Monthly progress reports (月度工作进展) of the lead units to the Civilization Office.

Section 七.3 of the plan: every lead unit reports its progress to 区文明办 every month.
One report per (campaign, lead agency, month).
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from campaigns.models import Campaign

from .permissions import ReportQuerySet


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
    objects = ReportQuerySet.as_manager()

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

    @property
    def is_editable_status(self) -> bool:
        """Only drafts and returned reports can be changed by their agency (section 七.3)."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class Indicator(models.Model):
    """A numeric indicator the office asks the lead units of one campaign to report monthly.

    Section 七.3 asks for monthly progress and section 五.4 for assessment on it; the office
    defines per campaign what to count (e.g. 追讨欠薪金额 for campaign 8). A value is checked
    against the indicator's type and bounds whenever it is saved; a required indicator must have
    a value before the report can be submitted. Indicators are retired, never deleted, so the
    values of past reports keep their meaning.
    """

    class Kind(models.TextChoices):
        INTEGER = "integer", _("整数")
        DECIMAL = "decimal", _("数值（最多两位小数）")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("专项治理")
    )
    name = models.CharField(_("指标名称"), max_length=60)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True, help_text=_("如“家”“人次”“万元”"))
    kind = models.CharField(_("数据类型"), max_length=10, choices=Kind.choices, default=Kind.INTEGER)
    min_value = models.DecimalField(_("最小值"), max_digits=16, decimal_places=2, null=True, blank=True, default=0)
    max_value = models.DecimalField(_("最大值"), max_digits=16, decimal_places=2, null=True, blank=True)
    required = models.BooleanField(_("提交时必填"), default=True)
    help_text = models.CharField(_("填报说明"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True, help_text=_("停用后不再填报，已填数值保留。"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["campaign__number", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"],
                name="indicator_unique_name_per_campaign",
                violation_error_message=_("该专项治理已有同名指标。"),
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="indicator_min_not_above_max",
                violation_error_message=_("最小值不能大于最大值。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    def clean(self) -> None:
        errors = {}
        if self.kind == self.Kind.INTEGER:
            for field in ("min_value", "max_value"):
                value = getattr(self, field)
                if value is not None and value != value.to_integral_value():
                    errors[field] = _("整数指标的上下限必须是整数。")
        if errors:
            raise ValidationError(errors)

    def parse(self, raw) -> Decimal | None:
        """The value ``raw`` (text, number or None) as this indicator stores it, or a ValidationError.

        Empty means "not reported"; whether that is allowed is checked at submission.
        """
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        integer = self.kind == self.Kind.INTEGER
        not_a_number = _("“%(name)s”应填写整数。") if integer else _("“%(name)s”应填写数字。")
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValidationError(not_a_number, params={"name": self.name}) from None
        if not value.is_finite() or (integer and value != value.to_integral_value()):
            raise ValidationError(not_a_number, params={"name": self.name})
        if abs(value) >= Decimal("1e14"):  # first: quantize() cannot handle much larger numbers
            raise ValidationError(_("“%(name)s”数值过大。"), params={"name": self.name})
        if value != value.quantize(Decimal("0.01")):
            raise ValidationError(_("“%(name)s”最多保留两位小数。"), params={"name": self.name})
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                _("“%(name)s”不能小于 %(limit)s。"), params={"name": self.name, "limit": plain_number(self.min_value)}
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                _("“%(name)s”不能大于 %(limit)s。"), params={"name": self.name, "limit": plain_number(self.max_value)}
            )
        return value


def plain_number(number: Decimal) -> str:
    """2.00 → "2", 2.50 → "2.5": bounds read as people write them."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class IndicatorValue(models.Model):
    """The value one report gives for one of its campaign's indicators."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="indicator_values", verbose_name=_("报告")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("考核指标")
    )
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指标数值")
        verbose_name_plural = _("指标数值")
        ordering = ["indicator__position", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"],
                name="indicatorvalue_one_per_report",
                violation_error_message=_("该指标在本报告中已有数值。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name}: {self.display_value}"

    @property
    def display_value(self) -> str:
        return plain_number(self.value)


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """A random stored name: the user's file name never reaches the file system."""
    suffix = PurePath(filename).suffix.lower()
    today = timezone.localdate()
    return f"reports/attachments/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file attached to a report as evidence of the work done (section 七.3, 可查可核).

    Only PDF, Word, Excel and image files are accepted, checked by their content as well as
    their name (see ``reports.uploads``). Files live under MEDIA_ROOT and are served only
    through the permission-checked download view.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("报告"))
    file = models.FileField(_("文件"), upload_to=attachment_upload_to, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小"), help_text=_("字节"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Contribution(models.Model):
    """What a participating agency (参与单位) did for a campaign in the month (协办情况).

    The plan names participating units for most campaigns (section 三); they add their part to
    the lead unit's report, one entry per agency and report.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("报告"))
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("参与单位")
    )
    text = models.TextField(_("协办情况"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填写人")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("协办情况")
        verbose_name_plural = _("协办情况")
        ordering = ["agency__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "agency"],
                name="contribution_one_per_agency",
                violation_error_message=_("该单位已填写本报告的协办情况。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.agency}"


class MonthLock(models.Model):
    """A reporting month the office has closed: no agency may open, change or submit its reports.

    Section 七.3 has the office collect the month's reports; once it has them it closes the month
    so the record stays as assessed (section 五.4). It can reopen the month for one agency
    (``MonthReopening``) without opening it for everyone.
    """

    month = models.DateField(_("月份"), unique=True, help_text=_("所锁定月份的第一天"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("锁定人")
    )
    locked_at = models.DateTimeField(_("锁定时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("月份锁定")
        verbose_name_plural = _("月份锁定")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class MonthReopening(models.Model):
    """A locked month opened again for one agency, e.g. to correct a returned report."""

    lock = models.ForeignKey(MonthLock, on_delete=models.CASCADE, related_name="reopenings", verbose_name=_("月份锁定"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    reason = models.CharField(_("重新开放原因"), max_length=200)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    reopened_at = models.DateTimeField(_("开放时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位重新开放")
        verbose_name_plural = _("单位重新开放")
        ordering = ["agency__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["lock", "agency"],
                name="monthreopening_one_per_agency",
                violation_error_message=_("该单位本月已重新开放。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.lock} · {self.agency}"


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
