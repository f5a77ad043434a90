"""Agencies (单位) of the action plan and the accounts of their staff.

Section 二 of the plan names the units that lead or take part in the campaigns; the District
Civilization Office (区文明办) is one of them and supervises the others (section 五.4, 七.3).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
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


# --- Issue 7: in-portal notifications and email deliveries ------------------------------------
# Reminders, summaries and warnings (DESIGN §4) reach staff in the portal and by email. Every
# email is a row, so a failure is retried, recorded and shown to the office, never lost silently.


def _validate_local_link(value: str) -> None:
    from django.core.exceptions import ValidationError

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
