"""Every write on monthly reports (section 七.3): open, fill in, submit, return, accept, and around them.

Each service checks the rule in ``reports.permissions``, runs in one transaction, locks the report
row it changes (so two clicks cannot submit or review twice), validates before saving, and
records who did it in the report's history (django-simple-history: who, when, old and new values).
Refusals are ``PermissionDenied`` (not allowed for this user or in this state) or
``ValidationError`` (bad input, keyed by field) with a Chinese message for the user.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign

from . import permissions, uploads
from .models import (
    Attachment,
    Contribution,
    Indicator,
    IndicatorValue,
    MonthLock,
    MonthReopening,
    Report,
    due_date_for,
)

# The report fields an agency fills in; everything else is set by the lifecycle.
EDITABLE_FIELDS = (
    "work_done",
    "problems",
    "next_plan",
    "cases_handled",
    "entries_listed",
    "publicity_events",
    "money_recovered",
)
MAX_ATTACHMENTS_PER_REPORT = 20
MAX_COMMENT_LENGTH = 2000


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_label(month: datetime.date) -> str:
    return _("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}


def _with_history(instance, actor, reason: str):
    instance._history_user = actor
    instance._change_reason = reason
    return instance


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("campaign", "agency").get(pk=report.pk)


def edit_refusal(actor, report: Report) -> str | None:
    """Why ``actor`` may not change ``report`` now, in words a reporter understands; None if allowed."""
    if permissions.can_edit_report(actor, report):
        return None
    if not (actor.is_reporter and actor.agency_id == report.agency_id):
        return _("只有%(agency)s的填报员可以修改此报告。") % {"agency": report.agency}
    if report.status == Report.Status.SUBMITTED:
        return _("报告已提交，正在等待区文明办审核，不能修改。")
    if report.status == Report.Status.ACCEPTED:
        return _("报告已通过审核，不能再修改。")
    return _("%(month)s已由区文明办锁定，如需修改请联系区文明办重新开放。") % {"month": month_label(report.month)}


def _require_edit(actor, report: Report) -> None:
    reason = edit_refusal(actor, report)
    if reason:
        raise PermissionDenied(reason)


def _require_review(actor, report: Report) -> None:
    if not actor.is_office:
        raise PermissionDenied(_("只有区文明办可以审核报告。"))
    if report.status != Report.Status.SUBMITTED:
        raise PermissionDenied(
            _("只能审核已提交的报告，此报告当前状态为“%(status)s”。") % {"status": report.get_status_display()}
        )


# --- The report lifecycle ----------------------------------------------------------------------


@transaction.atomic
def report_open(*, actor, campaign: Campaign, month: datetime.date, today: datetime.date | None = None) -> Report:
    """Start the draft of the lead agency's report on ``campaign`` for ``month`` (section 七.3).

    Refused for anyone but an agency reporter, for a campaign the agency does not lead, for a
    month that has not begun or that the office locked, and when the report already exists.
    """
    if not permissions.can_open_report(actor):
        raise PermissionDenied(_("只有牵头单位的填报员可以填报月度报告。"))
    month = first_of_month(month)
    today = today or timezone.localdate()
    if month > first_of_month(today):
        raise ValidationError({"month": _("%(month)s尚未开始，不能填报。") % {"month": month_label(month)}})
    if not permissions.leads_campaign(actor, campaign):
        raise ValidationError(
            {
                "campaign": _("贵单位不是第 %(number)s 项“%(title)s”的牵头单位，无需填报该项报告。")
                % {"number": campaign.number, "title": campaign.title}
            }
        )
    if not permissions.month_open_for(actor.agency_id, month):
        raise ValidationError(
            {"month": _("%(month)s已由区文明办锁定，如需补报请联系区文明办重新开放。") % {"month": month_label(month)}}
        )
    existing = Report.objects.filter(campaign=campaign, agency_id=actor.agency_id, month=month).first()
    if existing is not None:
        raise _already_exists(existing)
    report = Report(campaign=campaign, agency=actor.agency, month=month, due_date=due_date_for(month))
    report.full_clean()
    _with_history(report, actor, _("创建草稿"))
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # the same report opened at the same moment elsewhere
        raise _already_exists(Report.objects.get(campaign=campaign, agency_id=actor.agency_id, month=month)) from None
    return report


def _already_exists(report: Report) -> ValidationError:
    return ValidationError(
        _("第 %(number)s 项%(month)s的报告已经存在（报告编号 %(id)s），请直接打开继续填写。")
        % {"number": report.campaign.number, "month": month_label(report.month), "id": report.pk},
        code="exists",
    )


@transaction.atomic
def report_update(*, actor, report: Report, data: Mapping[str, Any]) -> Report:
    """Save the agency's changes to a draft or returned report (nothing is checked for completeness yet).

    ``data`` holds any of ``EDITABLE_FIELDS`` and ``indicators``, a mapping of indicator id to
    value (empty or None clears it). Every value is checked; on any error nothing is saved.
    """
    report = _locked(report)
    _require_edit(actor, report)
    changed = []
    for field in EDITABLE_FIELDS:
        if field in data and getattr(report, field) != data[field]:
            setattr(report, field, data[field])
            changed.append(field)
    errors: dict[str, list] = {}
    try:
        report.full_clean(exclude=["campaign", "agency", "reviewed_by"])
    except ValidationError as error:
        errors.update(error.message_dict)
    indicator_values = {}
    if "indicators" in data:
        indicator_values = _parse_indicators(report, data["indicators"] or {}, errors)
    if errors:
        raise ValidationError(errors)
    if changed:
        _with_history(report, actor, _("保存")).save()
    _save_indicator_values(actor, report, indicator_values)
    return report


def _parse_indicators(report: Report, raw: Mapping, errors: dict) -> dict[Indicator, Any]:
    indicators = {i.pk: i for i in Indicator.objects.filter(campaign_id=report.campaign_id, is_active=True)}
    parsed = {}
    for key, value in raw.items():
        try:
            indicator = indicators[int(key)]
        except (KeyError, TypeError, ValueError):
            errors.setdefault("indicators", []).append(
                _("指标 %(key)s 不是本专项治理正在使用的考核指标。") % {"key": key}
            )
            continue
        try:
            parsed[indicator] = indicator.parse(value)
        except ValidationError as error:
            errors[f"indicator_{indicator.pk}"] = error.messages
    return parsed


def _save_indicator_values(actor, report: Report, values: Mapping[Indicator, Any]) -> None:
    if not values:
        return
    existing = {v.indicator_id: v for v in IndicatorValue.objects.filter(report=report)}
    for indicator, value in values.items():
        row = existing.get(indicator.pk)
        if value is None:
            if row is not None:
                _with_history(row, actor, _("清空指标")).delete()
        elif row is None:
            _with_history(IndicatorValue(report=report, indicator=indicator, value=value), actor, _("填写指标")).save()
        elif row.value != value:
            row.value = value
            _with_history(row, actor, _("修改指标")).save()


def submission_errors(*, report: Report, data: Mapping[str, Any] | None = None) -> dict[str, list[str]]:
    """What is still missing before ``report`` can be submitted, keyed by field (nothing is written).

    ``data`` (same shape as for ``report_update``) overlays values not saved yet, so a form can show
    every missing item at once, together with its own input errors.
    """
    data = data or {}
    errors: dict[str, list[str]] = {}
    if not str(data.get("work_done", report.work_done) or "").strip():
        errors["work_done"] = [_("提交前请填写本月工作进展。")]
    if not str(data.get("next_plan", report.next_plan) or "").strip():
        errors["next_plan"] = [_("提交前请填写下步计划。")]
    filled = set(IndicatorValue.objects.filter(report=report).values_list("indicator_id", flat=True))
    for key, value in (data.get("indicators") or {}).items():
        key = int(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            filled.discard(key)
        else:
            filled.add(key)
    for indicator in Indicator.objects.filter(campaign_id=report.campaign_id, is_active=True, required=True):
        if indicator.pk not in filled:
            errors[f"indicator_{indicator.pk}"] = [_("提交前请填写“%(name)s”。") % {"name": indicator.name}]
    return errors


@transaction.atomic
def report_submit(*, actor, report: Report, now: datetime.datetime | None = None) -> Report:
    """Submit a draft or returned report to the office (section 七.3).

    ``submitted_at`` keeps the FIRST submission, which decides lateness; a resubmission after a
    return only moves ``last_submitted_at``. Work done, next month's plan and every required
    indicator must be filled in.
    """
    report = _locked(report)
    _require_edit(actor, report)
    errors = submission_errors(report=report)
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    resubmission = report.status == Report.Status.RETURNED
    report.status = Report.Status.SUBMITTED
    if report.submitted_at is None:
        report.submitted_at = now
    report.last_submitted_at = now
    report.full_clean(exclude=["campaign", "agency", "reviewed_by"])
    _with_history(report, actor, _("重新提交") if resubmission else _("提交")).save()
    return report


@transaction.atomic
def report_return(*, actor, report: Report, comment: str) -> Report:
    """The office sends a submitted report back to its agency with what to change (comment required)."""
    report = _locked(report)
    _require_review(actor, report)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": [_("退回报告时必须填写审核意见，说明需要修改的内容。")]})
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ValidationError({"comment": [_("审核意见不能超过 %(limit)s 个字。") % {"limit": MAX_COMMENT_LENGTH}]})
    report.status = Report.Status.RETURNED
    report.review_comment = comment
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    _with_history(report, actor, _("退回")).save()
    return report


@transaction.atomic
def report_accept(*, actor, report: Report) -> Report:
    """The office accepts a submitted report; it can no longer be changed."""
    report = _locked(report)
    _require_review(actor, report)
    report.status = Report.Status.ACCEPTED
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    _with_history(report, actor, _("审核通过")).save()
    return report


# --- Contributions of participating agencies -------------------------------------------------------


@transaction.atomic
def contribution_save(*, actor, report: Report, text: str) -> Contribution:
    """A participating agency writes (or rewrites) its 协办情况 on the lead's report."""
    report = _locked(report)
    if not permissions.is_participant(actor, report):
        raise PermissionDenied(_("只有该专项治理的参与单位可以填写协办情况。"))
    if not permissions.can_contribute(actor, report):
        raise PermissionDenied(_("报告已提交或所在月份已锁定，暂不能填写协办情况。"))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("请填写协办情况。")]})
    contribution = Contribution.objects.filter(report=report, agency_id=actor.agency_id).first()
    if contribution is None:
        contribution = Contribution(report=report, agency=actor.agency, text=text, updated_by=actor)
        reason = _("填写协办情况")
    elif contribution.text == text:
        return contribution
    else:
        contribution.text = text
        contribution.updated_by = actor
        reason = _("修改协办情况")
    contribution.full_clean()
    _with_history(contribution, actor, reason).save()
    return contribution


# --- Attachments -----------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, actor, report: Report, upload) -> Attachment:
    """Attach a PDF, Word, Excel or image file (checked by content, at most 20 MB) to a report."""
    report = _locked(report)
    _require_edit(actor, report)
    try:
        content_type = uploads.check_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    if report.attachments.count() >= MAX_ATTACHMENTS_PER_REPORT:
        raise ValidationError(
            {
                "file": [
                    _("每份报告最多 %(limit)s 个附件，请先删除不需要的附件。") % {"limit": MAX_ATTACHMENTS_PER_REPORT}
                ]
            }
        )
    attachment = Attachment(
        report=report,
        file=upload,
        name=uploads.clean_name(upload.name),
        size=upload.size,
        content_type=content_type,
        uploaded_by=actor,
    )
    attachment.full_clean(exclude=["file"])
    _with_history(attachment, actor, _("上传附件"))
    try:
        # The file is written to storage before the row; if the row cannot be written, nor may the file.
        attachment.save()
    except Exception:
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor, attachment: Attachment) -> None:
    """Remove an attachment from a draft or returned report; the history keeps its name and uploader."""
    report = _locked(attachment.report)
    _require_edit(actor, report)
    storage, name = attachment.file.storage, attachment.file.name
    _with_history(attachment, actor, _("删除附件")).delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Indicators the office defines -----------------------------------------------------------------

INDICATOR_FIELDS = ("name", "unit", "kind", "min_value", "max_value", "required", "help_text", "position", "is_active")


def _require_office(actor, message: str) -> None:
    if not permissions.can_manage_indicators(actor):
        raise PermissionDenied(message)


@transaction.atomic
def indicator_create(*, actor, campaign: Campaign, data: Mapping[str, Any]) -> Indicator:
    """The office adds an indicator the campaign's lead units report monthly."""
    _require_office(actor, _("只有区文明办可以设置考核指标。"))
    indicator = Indicator(campaign=campaign, **{k: v for k, v in data.items() if k in INDICATOR_FIELDS})
    indicator.full_clean()
    _with_history(indicator, actor, _("新增指标")).save()
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, data: Mapping[str, Any]) -> Indicator:
    """The office changes an indicator; values already reported stay as they were."""
    _require_office(actor, _("只有区文明办可以设置考核指标。"))
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    for field in INDICATOR_FIELDS:
        if field in data:
            setattr(indicator, field, data[field])
    indicator.full_clean()
    _with_history(indicator, actor, _("修改指标设置")).save()
    return indicator


# --- Month locks -------------------------------------------------------------------------------------


@transaction.atomic
def month_lock(*, actor, month: datetime.date, note: str = "", today: datetime.date | None = None) -> MonthLock:
    """The office closes a month whose due date has passed: its reports can no longer change."""
    if not permissions.can_lock_months(actor):
        raise PermissionDenied(_("只有区文明办可以锁定月份。"))
    month = first_of_month(month)
    today = today or timezone.localdate()
    due = due_date_for(month)
    if today <= due:
        raise ValidationError(
            {
                "month": _("%(month)s的报告截止日期为 %(due)s，截止后才能锁定。")
                % {"month": month_label(month), "due": due.isoformat()}
            }
        )
    if MonthLock.objects.filter(month=month).exists():
        raise ValidationError({"month": _("%(month)s已经锁定。") % {"month": month_label(month)}})
    lock = MonthLock(month=month, note=(note or "").strip(), locked_by=actor)
    lock.full_clean()
    _with_history(lock, actor, _("锁定月份")).save()
    return lock


@transaction.atomic
def month_unlock(*, actor, lock: MonthLock) -> None:
    """The office opens a locked month again for every agency."""
    if not permissions.can_lock_months(actor):
        raise PermissionDenied(_("只有区文明办可以解除月份锁定。"))
    for reopening in lock.reopenings.all():  # one by one, so each deletion records who did it
        _with_history(reopening, actor, _("解除锁定")).delete()
    _with_history(lock, actor, _("解除锁定")).delete()


@transaction.atomic
def month_reopen(*, actor, lock: MonthLock, agency, reason: str) -> MonthReopening:
    """The office lets one agency change its reports of a locked month again (e.g. a late correction)."""
    if not permissions.can_lock_months(actor):
        raise PermissionDenied(_("只有区文明办可以重新开放月份。"))
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = [_("请说明重新开放的原因。")]
    if agency is None:
        errors["agency"] = [_("请选择单位。")]
    elif MonthReopening.objects.filter(lock=lock, agency=agency).exists():
        errors["agency"] = [
            _("%(month)s已为%(agency)s重新开放。") % {"month": month_label(lock.month), "agency": agency}
        ]
    if errors:
        raise ValidationError(errors)
    reopening = MonthReopening(lock=lock, agency=agency, reason=reason, reopened_by=actor)
    reopening.full_clean()
    _with_history(reopening, actor, _("为单位重新开放")).save()
    return reopening


@transaction.atomic
def month_reopening_revoke(*, actor, reopening: MonthReopening) -> None:
    """The office closes the month again for the agency it had reopened it for."""
    if not permissions.can_lock_months(actor):
        raise PermissionDenied(_("只有区文明办可以关闭重新开放。"))
    _with_history(reopening, actor, _("关闭重新开放")).delete()
