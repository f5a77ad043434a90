"""Credit subjects, red/black list entries and credit repair.

Section 四.1 of the plan: credit records of natural persons, legal persons and other
organisations, keyed by the unified social credit code. Section 五.1: the red/black list
(红黑榜) with identification standards and exit procedures. Section 五.3: credit repair (信用修复).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from campaigns.models import Campaign

from .crypto import decrypt_id_number


class CreditSubject(models.Model):
    """A credit subject (信用主体, section 四.1): a natural person, legal person, other organisation
    or individual business.

    Organisations and individual businesses are keyed by the 18-character unified social credit
    code; natural persons by the resident ID number, which is stored only encrypted
    (``id_number_encrypted``), with a keyed hash for exact look-up and the masked form
    (positions 11–14 hidden) for display. The same code or ID always resolves to the same subject.
    """

    class SubjectType(models.TextChoices):
        PERSON = "person", _("自然人")
        LEGAL_PERSON = "legal_person", _("法人")
        OTHER_ORG = "other_org", _("非法人组织")
        INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")

    subject_type = models.CharField(_("主体类型"), max_length=20, choices=SubjectType.choices)
    name = models.CharField(_("主体名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    id_number_encrypted = models.TextField(_("身份证号码（密文）"), blank=True, editable=False)
    id_number_hash = models.CharField(_("身份证号码（检索摘要）"), max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号码"), max_length=18, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("信用主体")
        verbose_name_plural = _("信用主体")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="creditsubject_unique_credit_code",
                violation_error_message=_("该统一社会信用代码已登记为另一信用主体。"),
            ),
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="creditsubject_unique_id_number",
                violation_error_message=_("该身份证号码已登记为另一信用主体。"),
            ),
            models.CheckConstraint(
                condition=(Q(subject_type="person") & Q(credit_code="") & ~Q(id_number_hash=""))
                | (~Q(subject_type="person") & ~Q(credit_code="") & Q(id_number_hash="")),
                name="creditsubject_key_matches_type",
                violation_error_message=_("自然人以身份证号码登记，其他主体以统一社会信用代码登记。"),
            ),
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.display_key}）"

    @property
    def is_person(self) -> bool:
        return self.subject_type == self.SubjectType.PERSON

    @property
    def display_key(self) -> str:
        """The code, or the masked ID: what any page may show of the subject's key."""
        return self.id_number_masked if self.is_person else self.credit_code

    def reveal_id_number(self) -> str:
        """The full ID number. Call only through ``services.subject_reveal_id``, which logs it."""
        return decrypt_id_number(self.id_number_encrypted) if self.id_number_encrypted else ""


class JobProgress:
    """Progress of a background import or export, shown as a bar while the Celery task runs."""

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.SUCCEEDED)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0


class ListImport(JobProgress, models.Model):
    """One Excel import of list entries (section 五.1): the uploaded file, its progress and its
    per-row error report. Nothing is written unless every row is valid."""

    class Status(models.TextChoices):
        PENDING = "pending", _("等待处理")
        RUNNING = "running", _("正在导入")
        FAILED = "failed", _("未导入")
        SUCCEEDED = "succeeded", _("已导入")

    file = models.FileField(_("文件"), upload_to="list-imports/%Y/%m/")
    filename = models.CharField(_("文件名"), max_length=255)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="list_imports", verbose_name=_("提交单位")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已检查行数"), default=0)
    imported_count = models.PositiveIntegerField(_("导入条数"), default=0)
    message = models.TextField(_("结果说明"), blank=True)
    errors = models.JSONField(_("逐行错误"), default=list, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("名单导入")
        verbose_name_plural = _("名单导入")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"


class ListEntryQuerySet(models.QuerySet):
    def public(self, today: datetime.date):
        """Entries the public may see on ``today``: published and inside their publicity period."""
        return self.filter(status=ListEntry.Status.PUBLISHED, publish_from__lte=today, publish_until__gte=today)

    def visible_to(self, user):
        """Entries a staff user may see (see ``permissions.py``): the office all, an agency those
        it proposed or decided."""
        if not user.is_authenticated:
            return self.none()
        if user.is_office:
            return self
        if user.agency_id is None:
            return self.none()
        return self.filter(Q(proposed_by_agency_id=user.agency_id) | Q(deciding_agency_id=user.agency_id))

    def with_related(self):
        return self.select_related("subject", "campaign", "deciding_agency", "proposed_by_agency")


class ListEntry(models.Model):
    """One entry of the red list (守信红名单) or black list (失信黑名单), section 五.1.

    Lifecycle: proposed by an agency for its own domain (every new entry starts here, whoever
    creates it) → published by the office → expired (end of publicity) | removed (with a
    reason) | repaired (credit repair approved, section 五.3). An entry never leaves the
    records; only ``ListEntry.objects.public(today)`` decides what the public sees.
    """

    class List(models.TextChoices):
        RED = "red", _("红名单")
        BLACK = "black", _("黑名单")

    class Severity(models.TextChoices):
        MINOR = "minor", _("轻微")
        GENERAL = "general", _("一般")
        SERIOUS = "serious", _("较重")
        SEVERE = "severe", _("严重")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待发布")
        PUBLISHED = "published", _("已发布")
        EXPIRED = "expired", _("公示期满")
        REMOVED = "removed", _("已移出")
        REPAIRED = "repaired", _("已信用修复")

    list = models.CharField(_("名单类型"), max_length=5, choices=List.choices)
    subject = models.ForeignKey(
        CreditSubject, on_delete=models.PROTECT, related_name="entries", verbose_name=_("信用主体")
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="list_entries", verbose_name=_("专项治理")
    )
    severity = models.CharField(_("失信等级"), max_length=10, choices=Severity.choices, blank=True)
    reason = models.TextField(_("列入原因"))
    basis = models.TextField(_("认定依据"))
    deciding_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="decided_list_entries", verbose_name=_("认定部门")
    )
    decision_number = models.CharField(_("决定文书号"), max_length=100)
    decision_date = models.DateField(_("决定日期"))
    publish_from = models.DateField(_("公示开始日期"), null=True, blank=True)
    publish_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED)

    proposed_by_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="proposed_list_entries", verbose_name=_("提出单位")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("提出人"),
    )
    proposed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    import_batch = models.ForeignKey(
        ListImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("导入批次"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("发布人"),
    )
    expired_at = models.DateTimeField(_("期满移出时间"), null=True, blank=True)
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    removal_reason = models.TextField(_("移出原因"), blank=True)
    repaired_at = models.DateTimeField(_("信用修复时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()
    objects = ListEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("红黑名单条目")
        verbose_name_plural = _("红黑名单条目")
        ordering = ["-decision_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(list="red") & Q(severity=""))
                | (Q(list="black") & Q(severity__in=["minor", "general", "serious", "severe"])),
                name="listentry_severity_black_only",
                violation_error_message=_("黑名单必须填写失信等级，红名单不填写失信等级。"),
            ),
            models.CheckConstraint(
                condition=Q(publish_until__isnull=True) | Q(publish_until__gte=models.F("decision_date")),
                name="listentry_publish_until_after_decision",
                violation_error_message=_("公示截止日期不能早于决定日期。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="removed") | (Q(removed_at__isnull=False) & ~Q(removal_reason="")),
                name="listentry_removed_has_reason",
                violation_error_message=_("移出名单必须填写移出原因。"),
            ),
            models.UniqueConstraint(
                fields=["subject", "list", "deciding_agency", "decision_number"],
                condition=~Q(status="removed"),
                name="listentry_unique_decision",
                violation_error_message=_("该主体已有同一认定部门、同一决定文书号的名单条目。"),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "publish_until"]),
            models.Index(fields=["list", "status"]),
            # The public change log (public_selectors.change_events) reads each kind of change
            # newest first and stops after one page: one index per kind of change, in that order.
            models.Index(
                F("publish_from").desc(),
                F("id").desc(),
                name="listentry_change_listed",
                condition=Q(published_at__isnull=False, publish_from__isnull=False),
            ),
            models.Index(
                F("publish_until").desc(),
                F("id").desc(),
                name="listentry_change_expired",
                condition=Q(
                    published_at__isnull=False, publish_from__isnull=False, status__in=["published", "expired"]
                ),
            ),
            models.Index(
                TruncDate("removed_at").desc(),
                F("id").desc(),
                name="listentry_change_removed",
                condition=Q(published_at__isnull=False, publish_from__isnull=False, status="removed"),
            ),
            models.Index(
                TruncDate("repaired_at").desc(),
                F("id").desc(),
                name="listentry_change_repaired",
                condition=Q(published_at__isnull=False, publish_from__isnull=False, status="repaired"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_list_display()} {self.subject.name} {self.decision_number}"

    @property
    def is_public_now(self) -> bool:
        from django.utils import timezone

        today = timezone.localdate()
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_from is not None
            and self.publish_from <= today <= self.publish_until
        )


class PublicityPeriod(models.Model):
    """How long an entry of one list and severity is published (公示期), counted from the
    decision date; an administrator may change it (section 三.1: periods that differ by case).

    Defaults (``BLACKLIST_PUBLICITY_DEFAULTS``) follow the national 《信用修复管理办法》:
    轻微 not published; 一般 3–12 months; 严重 12–36 months; the district's 较重 6–24 months.
    Credit repair may be applied for once the minimum has passed.
    """

    list = models.CharField(_("名单类型"), max_length=5, choices=ListEntry.List.choices)
    severity = models.CharField(
        _("失信等级"), max_length=10, choices=ListEntry.Severity.choices, blank=True, help_text=_("红名单留空")
    )
    is_published = models.BooleanField(_("予以公示"), default=True)
    min_months = models.PositiveSmallIntegerField(_("最短公示期（月）"), default=0)
    max_months = models.PositiveSmallIntegerField(_("最长公示期（月）"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公示期限")
        verbose_name_plural = _("公示期限")
        ordering = ["list", "severity"]
        constraints = [
            models.UniqueConstraint(fields=["list", "severity"], name="publicityperiod_unique"),
            models.CheckConstraint(
                condition=Q(min_months__lte=models.F("max_months")),
                name="publicityperiod_min_le_max",
                violation_error_message=_("最短公示期不能长于最长公示期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_list_display()} {self.get_severity_display()}".strip()


class IdRevealLog(models.Model):
    """A record that a staff member saw a full resident ID number, and why (DESIGN §5: the full
    number is shown only on request, and every request is kept)."""

    subject = models.ForeignKey(
        CreditSubject, on_delete=models.PROTECT, related_name="reveals", verbose_name=_("信用主体")
    )
    entry = models.ForeignKey(
        ListEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("名单条目")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("查看人")
    )
    reason = models.TextField(_("查看事由"))
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    revealed_at = models.DateTimeField(_("查看时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("身份证号码查看记录")
        verbose_name_plural = _("身份证号码查看记录")
        ordering = ["-revealed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.subject.name} {self.revealed_at:%Y-%m-%d %H:%M}"


class RepairApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Applications a staff user may see (see ``permissions.py``): the office all, an agency
        those on entries it decided."""
        if not user.is_authenticated:
            return self.none()
        if user.is_office:
            return self
        if user.agency_id is None:
            return self.none()
        return self.filter(entry__deciding_agency_id=user.agency_id)

    def open(self):
        return self.filter(status=RepairApplication.Status.SUBMITTED)


class RepairApplication(models.Model):
    """An application for credit repair (信用修复, section 五.3) of one black-list entry.

    Accepted only after the minimum publicity period. The applicant gets a query code to look up
    progress; the office or the deciding agency approves or rejects with a reason by ``due_date``
    (``REPAIR_DECISION_WORKING_DAYS`` working days). Approval takes the entry off the public
    list at once; it stays in the records.
    """

    class Ground(models.TextChoices):
        CORRECTED = "corrected", _("已纠正失信行为")
        DUTIES_MET = "duties_met", _("已履行法定义务")
        VOLUNTEER = "volunteer", _("参加志愿服务")
        PUBLIC_SERVICE = "public_service", _("参与公众服务")
        CHARITY = "charity", _("慈善捐助")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已准予修复")
        REJECTED = "rejected", _("不予修复")

    entry = models.ForeignKey(
        ListEntry, on_delete=models.PROTECT, related_name="repair_applications", verbose_name=_("名单条目")
    )
    grounds = models.JSONField(_("修复理由"), default=list)
    statement = models.TextField(_("情况说明"))
    commitment = models.TextField(_("信用承诺"))
    commitment_signed_by = models.CharField(_("承诺人签名"), max_length=100)
    applicant_name = models.CharField(_("申请人"), max_length=100)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    query_code = models.CharField(_("查询码"), max_length=16, unique=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    due_date = models.DateField(_("办理期限"))
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("决定人"),
    )
    decision_reason = models.TextField(_("决定理由"), blank=True)

    history = HistoricalRecords()
    objects = RepairApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(status="submitted"),
                name="repairapplication_one_open_per_entry",
                violation_error_message=_("该名单条目已有一份待审核的信用修复申请。"),
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | (Q(decided_at__isnull=False) & ~Q(decision_reason="")),
                name="repairapplication_decision_has_reason",
                violation_error_message=_("作出决定必须填写理由。"),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.applicant_name} {self.entry.subject.name} {self.get_status_display()}"

    def grounds_display(self) -> list[str]:
        labels = dict(self.Ground.choices)
        return [str(labels.get(ground, ground)) for ground in self.grounds]


class RepairEvidence(models.Model):
    """An evidence file of a repair application (section 五.3), served only to staff who may see
    the application."""

    application = models.ForeignKey(
        RepairApplication, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("修复申请")
    )
    file = models.FileField(_("文件"), upload_to="repair-evidence/%Y/%m/")
    filename = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("修复证明材料")
        verbose_name_plural = _("修复证明材料")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


class ListExport(JobProgress, models.Model):
    """One Excel export of list entries too large to build inside a web request (issue 9 §3):
    the filter it was asked with, its progress, and the finished file, which only the account that
    asked may download. Small exports are answered at once and leave no record."""

    class Status(models.TextChoices):
        PENDING = "pending", _("等待处理")
        RUNNING = "running", _("正在导出")
        FAILED = "failed", _("导出失败")
        SUCCEEDED = "succeeded", _("已完成")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("导出人")
    )
    query = models.JSONField(_("筛选条件"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("条目数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已导出条目数"), default=0)
    file = models.FileField(_("文件"), upload_to="list-exports/%Y/%m/", blank=True)
    message = models.TextField(_("结果说明"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("名单导出")
        verbose_name_plural = _("名单导出")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class OpenDataRelease(models.Model):
    """One build of the open-data files (section 四.3 信息公示, 五.1 红黑榜): every entry public on
    ``as_of`` as CSV, JSON and XLSX, read in one pass at ``built_at`` and kept in the default
    storage, so a download serves a finished file instead of building one (issue 6 §5).

    ``lists_version`` is the public lists' version (``public_cache``) when the entries were read:
    a release whose version is no longer current is out of date. Only the newest
    ``OPEN_DATA_KEEP_RELEASES`` keep their files; older rows stay as a record of what was built."""

    FORMATS = ("csv", "json", "xlsx")

    as_of = models.DateField(_("数据日期"))
    built_at = models.DateTimeField(_("数据截至"))
    lists_version = models.BigIntegerField(_("名单版本"), default=0, editable=False)
    entry_count = models.PositiveIntegerField(_("条目数"), default=0)
    build_seconds = models.FloatField(_("生成用时（秒）"), default=0)
    csv_file = models.FileField(_("CSV 文件"), upload_to="open-data/%Y/%m/", blank=True)
    csv_size = models.PositiveBigIntegerField(_("CSV 大小（字节）"), default=0)
    json_file = models.FileField(_("JSON 文件"), upload_to="open-data/%Y/%m/", blank=True)
    json_size = models.PositiveBigIntegerField(_("JSON 大小（字节）"), default=0)
    xlsx_file = models.FileField(_("XLSX 文件"), upload_to="open-data/%Y/%m/", blank=True)
    xlsx_size = models.PositiveBigIntegerField(_("XLSX 大小（字节）"), default=0)

    class Meta:
        verbose_name = _("开放数据发布")
        verbose_name_plural = _("开放数据发布")
        ordering = ["-built_at", "-pk"]
        indexes = [models.Index(fields=["as_of", "-built_at"], name="opendatarelease_latest")]

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d}（{self.entry_count}条，{timezone.localtime(self.built_at):%H:%M}）"

    def file(self, fmt: str):
        return getattr(self, f"{fmt}_file")

    def size(self, fmt: str) -> int:
        return getattr(self, f"{fmt}_size")

    @property
    def has_files(self) -> bool:
        return all(self.file(fmt) for fmt in self.FORMATS)
