"""Agencies (单位) of the action plan and the accounts of their staff.

Section 二 of the plan names the units that lead or take part in the campaigns; the District
Civilization Office (区文明办) is one of them and supervises the others (section 五.4, 七.3).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AgencyQuerySet(models.QuerySet):
    def by_name(self, name: str) -> Agency:
        """The agency called ``name`` or known by it as an alias (区审批局 = 区行政审批局)."""
        name = (name or "").strip()
        return self.filter(Q(name=name) | Q(aliases__name=name)).distinct().get()

    def office(self) -> Agency:
        return self.get(kind=Agency.Kind.OFFICE)


class Agency(models.Model):
    """A unit named in the plan: a district bureau, a group such as 各街镇, or the office itself.

    Agencies are renamed after institutional reforms; the old name stays as an alias and the
    history table keeps every earlier state, so reports filed under the old name still resolve.
    """

    class Kind(models.TextChoices):
        UNIT = "unit", _("单位")
        GROUP = "group", _("单位组（如各街镇）")
        OFFICE = "office", _("区文明办")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.UNIT)
    order = models.PositiveIntegerField(_("排序"), default=0, help_text=_("在行动方案中首次出现的顺序"))
    email = models.EmailField(_("联系邮箱"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords()
    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="office"),
                name="agency_single_office",
                violation_error_message=_("区文明办只能有一个。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_office(self) -> bool:
        return self.kind == self.Kind.OFFICE


class AgencyAlias(models.Model):
    """Another name of an agency, as the plan or an older document writes it (section 四.3)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("单位"))
    name = models.CharField(_("别名"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A portal account, bound to one agency, with one role.

    Reporters file their agency's monthly reports (section 七.3); office reviewers belong to
    区文明办 and supervise (section 五.4); administrators run the system.
    """

    class Role(models.TextChoices):
        REPORTER = "reporter", _("单位填报员")
        OFFICE = "office", _("区文明办审核员")
        ADMIN = "admin", _("系统管理员")

    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
    )
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.REPORTER)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def is_reporter(self) -> bool:
        return self.is_authenticated and self.role == self.Role.REPORTER

    @property
    def is_office(self) -> bool:
        """Office reviewers and administrators see everything the office sees."""
        return self.is_authenticated and self.role in (self.Role.OFFICE, self.Role.ADMIN)


# --- Supervision (督查督办), section 五.4 ------------------------------------------------------------


def deadline_colour(
    *, status: str, issued_on: datetime.date, deadline: datetime.date | None, today: datetime.date
) -> str:
    """The one rule that colours an open supervision order by its deadline (section 五.4).

    Only orders that wait for the agency (open, or sent back) are coloured; an answered order
    waits for the office and a closed one for nobody. ``red``: the deadline has passed (the whole
    deadline day still counts as in time). ``blue``: due within ``SUPERVISION_DUE_SOON_DAYS`` days
    (default 3). ``yellow``: more than half of the time from issue to deadline has gone with no
    answer. Red beats blue beats yellow; ``""`` means no colour.
    """
    if status not in (SupervisionOrder.Status.OPEN, SupervisionOrder.Status.RETURNED) or deadline is None:
        return ""
    if today > deadline:
        return DeadlineColour.RED
    if (deadline - today).days <= settings.SUPERVISION_DUE_SOON_DAYS:
        return DeadlineColour.BLUE
    if (today - issued_on).days * 2 > (deadline - issued_on).days:
        return DeadlineColour.YELLOW
    return ""


class DeadlineColour(models.TextChoices):
    """How urgent an open order is; the CSS class of its row is ``deadline-<value>``."""

    BLUE = "blue", _("三日内到期")
    YELLOW = "yellow", _("过半未答复")
    RED = "red", _("已超期")


class SupervisionOrderQuerySet(models.QuerySet):
    def visible_to(self, user) -> SupervisionOrderQuerySet:
        """Who sees which orders: the office sees all, an agency only its own (see permissions.py)."""
        from .permissions import supervision_orders_visible_to

        return supervision_orders_visible_to(user, self)

    def not_closed(self) -> SupervisionOrderQuerySet:
        return self.exclude(status=SupervisionOrder.Status.CLOSED)

    def awaiting_agency(self) -> SupervisionOrderQuerySet:
        return self.filter(status__in=SupervisionOrder.AWAITING_AGENCY)


class SupervisionOrder(models.Model):
    """A supervision action of 区文明办 against one agency (督查督办, section 五.4 and 七.3).

    Section 五.4: units whose work lags are interviewed (约谈主要负责同志), ordered to rectify by a
    deadline (责令限期整改) and criticised in the media (通报批评); units that do well are
    commended (媒体宣传展示); units that rectify poorly are reported to 区不作为不担当领导小组.
    A reminder (催办) chases a monthly report (section 七.3). An order names an agency and
    optionally the campaign, the report or the report month it is about.

    Lifecycle: open → answered → closed, or answered → returned (sent back) → answered again.
    Criticism and commendation are notices: recorded as closed when issued. Every change is kept
    in the history table (who, when, old and new values: 可查可核可溯).
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("催办")
        INTERVIEW = "interview", _("约谈")
        RECTIFICATION = "rectification", _("限期整改")
        CRITICISM = "criticism", _("通报批评")
        COMMENDATION = "commendation", _("表扬")
        ESCALATION = "escalation", _("报区不作为不担当领导小组")

    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复待审核")
        RETURNED = "returned", _("已退回待重新答复")
        CLOSED = "closed", _("已办结")

    # Notices need no answer from the agency; every other kind waits for one.
    NOTICE_KINDS = (Kind.CRITICISM, Kind.COMMENDATION)
    AWAITING_AGENCY = (Status.OPEN, Status.RETURNED)

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="supervision_orders", verbose_name=_("被督办单位")
    )
    kind = models.CharField(_("督办类型"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_orders",
        verbose_name=_("专项治理"),
    )
    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_orders",
        verbose_name=_("月度报告"),
    )
    report_month = models.DateField(
        _("报告月份"), null=True, blank=True, help_text=_("所督办的月度报告月份（该月第一天）")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("源督办事项"),
        help_text=_("如整改不力报区不作为不担当领导小组时，所依据的限期整改事项"),
    )
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("督办内容"))
    issued_on = models.DateField(_("下发日期"))
    deadline = models.DateField(_("办理期限"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("下发人")
    )

    interview_date = models.DateField(_("约谈日期"), null=True, blank=True)
    interviewee = models.CharField(_("被约谈人"), max_length=100, blank=True, help_text=_("姓名及职务"))
    interview_minutes = models.TextField(_("约谈纪要"), blank=True)

    answer = models.TextField(_("单位答复"), blank=True, help_text=_("单位采取的措施和整改情况"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复人"),
    )
    office_comment = models.TextField(_("审核意见"), blank=True, help_text=_("办结或退回时区文明办的意见"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("办结人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()
    objects = SupervisionOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["kind", "report_month"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=models.F("issued_on")),
                name="supervisionorder_deadline_after_issue",
                violation_error_message=_("办理期限不能早于下发日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("agencies:order_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.agency_id and self.agency.is_office:
            errors["agency"] = _("不能对区文明办自身下发督办事项。")
        if self.kind == self.Kind.RECTIFICATION and not self.deadline:
            errors["deadline"] = _("限期整改必须规定办理期限。")
        if self.kind == self.Kind.INTERVIEW:
            if not self.interview_date:
                errors["interview_date"] = _("约谈须填写约谈日期。")
            if not self.interviewee.strip():
                errors["interviewee"] = _("约谈须填写被约谈人（姓名及职务）。")
        if self.deadline and self.issued_on and self.deadline < self.issued_on:
            errors["deadline"] = _("办理期限不能早于下发日期。")
        if self.report_id:
            report = self.report
            if report.agency_id != self.agency_id:
                errors["report"] = _("所选报告不属于被督办单位。")
            if self.campaign_id and report.campaign_id != self.campaign_id:
                errors["campaign"] = _("所选报告不属于该专项治理。")
        if self.report_month and self.report_month.day != 1:
            errors["report_month"] = _("报告月份须为该月第一天。")
        if self.parent_id and self.parent.agency_id != self.agency_id:
            errors["parent"] = _("源督办事项须属于同一单位。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_notice(self) -> bool:
        return self.kind in self.NOTICE_KINDS

    @property
    def awaits_agency(self) -> bool:
        return self.status in self.AWAITING_AGENCY

    @property
    def is_answer_late(self) -> bool:
        """The agency answered after the deadline day ended (Asia/Shanghai)."""
        if not (self.answered_at and self.deadline):
            return False
        return timezone.localtime(self.answered_at).date() > self.deadline

    def deadline_colour(self, today: datetime.date | None = None) -> str:
        return deadline_colour(
            status=self.status,
            issued_on=self.issued_on,
            deadline=self.deadline,
            today=today or timezone.localdate(),
        )


# --- Issue 7: in-portal notifications and email deliveries ------------------------------------
# Reminders, summaries and warnings (DESIGN §4) reach staff in the portal and by email. Every
# email is a row, so a failure is retried, recorded and shown to the office, never lost silently.


def _validate_local_link(value: str) -> None:
    if value and (not value.startswith("/") or value.startswith("//")):
        raise ValidationError(_("链接必须是本站路径（以 / 开头）。"))


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        """A user sees only the notifications addressed to them."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in a user's in-portal inbox: a report reminder, an escalation, a failed email.

    Section 七.3 (monthly reports) and 五.4 (supervision): the office must not chase reports by
    phone, so the portal tells each reporter what is due and the office what is overdue.
    """

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("接收人")
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True, validators=[_validate_local_link])
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_recipient_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailDelivery(models.Model):
    """One email to one address, sent by a Celery task with retries and exponential backoff.

    ``pending`` until the mail server accepts it (``sent``); after the last retry it is ``failed``,
    keeps the error and is shown to the office, which can send it again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    recipient = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="email_deliveries",
        verbose_name=_("接收人"),
    )
    to = models.EmailField(_("收件地址"), blank=True)
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("正文"))
    html_body = models.TextField(_("HTML 正文"), blank=True)
    attachment = models.FileField(_("附件"), upload_to="email/%Y/%m/", blank=True, max_length=300)
    attachment_name = models.CharField(_("附件文件名"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("邮件投递")
        verbose_name_plural = _("邮件投递")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "updated_at"], name="emaildelivery_status_updated")]

    def __str__(self) -> str:
        return f"{self.to or '—'} {self.subject}"


class SupervisionSummary(models.Model):
    """The monthly supervision summary (督查汇总) of one report month, as the office received it.

    DESIGN §4 and section 五.4: rates, late and overdue agencies, rectification orders and the
    agency ranking, emailed to every office reviewer with an Excel workbook and kept here for
    download. One per month: the unique month makes a second run or worker send nothing.
    """

    month = models.DateField(_("报告月份"), unique=True, help_text=_("所汇总月份的第一天"))
    subject = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("正文"))
    html = models.TextField(_("HTML 正文"))
    workbook = models.FileField(_("Excel 汇总表"), upload_to="summaries/", max_length=300, blank=True)
    recipients = models.PositiveSmallIntegerField(_("收件审核员数"), default=0)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("月度督查汇总")
        verbose_name_plural = _("月度督查汇总")
        ordering = ["-month"]

    def __str__(self) -> str:
        return self.subject

    @property
    def filename(self) -> str:
        return f"西青区诚信建设月度督查汇总-{self.month:%Y-%m}.xlsx"


class JobRun(models.Model):
    """A day on which a once-a-day job sent its message, such as the repair-deadline warning.

    Written first, in the transaction that sends: the unique (job, day) makes a second run the
    same day, a retried task or a second worker send nothing (DESIGN §4).
    """

    job = models.CharField(_("任务"), max_length=40)
    day = models.DateField(_("日期"))
    created_at = models.DateTimeField(_("运行时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("定时任务发送记录")
        verbose_name_plural = _("定时任务发送记录")
        ordering = ["-day", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="jobrun_once_a_day")]

    def __str__(self) -> str:
        return f"{self.job} {self.day:%Y-%m-%d}"
