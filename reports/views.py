"""Pages of the monthly reports (section 七.3): thin views over selectors, services and permissions."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns.models import Campaign
from xiqing_credit.excel import xlsx_response

from . import excel, permissions, selectors, services
from .filters import ReportFilterSet
from .forms import (
    ContributionForm,
    IndicatorForm,
    MonthLockForm,
    OpenReportForm,
    ReopenForm,
    ReportForm,
    ReturnForm,
    add_service_errors,
)
from .models import Attachment, Indicator, MonthLock, MonthReopening, Report, due_date_for

PAGE_SIZE = 50


def forbidden(request, message: str) -> HttpResponse:
    """A 403 page that says why, in words the user understands."""
    return render(request, "reports/forbidden.html", {"message": message}, status=403)


def _visible_report(request, pk: int, queryset=None) -> Report:
    """The report if the user may see it; 404 otherwise, so its existence is not revealed."""
    queryset = queryset if queryset is not None else selectors.report_list_queryset()
    return get_object_or_404(queryset.visible_to(request.user), pk=pk)


def _month_nav(month: datetime.date) -> dict:
    return {
        "month": month,
        "previous_month": selectors.previous_month(month),
        "next_month": selectors.next_month(month),
    }


# --- Reporter pages -------------------------------------------------------------------------------


@require_GET
def my_tasks(request):
    """ "My tasks": every report the agency owes for the month, started or not, and what waits for it."""
    user = request.user
    if user.is_office:
        return redirect("reports:review_queue")
    if not permissions.can_open_report(user):
        return forbidden(request, _("只有单位填报员有填报任务。"))
    today = timezone.localdate()
    month = selectors.parse_month(request.GET.get("month")) or selectors.default_task_month(today)
    tasks = selectors.month_tasks(agency=user.agency, month=month, today=today, user=user)
    context = {
        **_month_nav(month),
        "today": today,
        "due_date": due_date_for(month),
        "tasks": tasks,
        "outstanding": list(selectors.outstanding_reports(agency=user.agency, exclude_month=month)),
        "outstanding_limit": selectors.OUTSTANDING_LIMIT,
        "contribution_requests": selectors.contribution_requests(agency=user.agency, month=month),
        "can_start_month": month <= today.replace(day=1),
    }
    return render(request, "reports/my_tasks.html", context)


@require_GET
def report_list(request):
    """Past reports the user may see, with the shared filters, and an Excel download of the same."""
    if not permissions.can_export_reports(request.user):
        return forbidden(request, _("您的账号没有查看月度报告的权限。"))
    filterset = ReportFilterSet(request.GET or None, queryset=selectors.report_list_queryset().visible_to(request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/report_list.html",
        {"filterset": filterset, "page": page, "today": timezone.localdate(), **_filter_choices(request)},
    )


def _filter_choices(request) -> dict:
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "campaigns": Campaign.objects.reportable().order_by("number").only("number", "title"),
        "agencies": selectors.lead_agencies().only("name"),
        "statuses": Report.Status.choices,
        "query": params.urlencode(),
    }


@require_POST
def report_new(request):
    """Open the draft of a (campaign, month) the agency owes, then go to its form."""
    form = OpenReportForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("reports:my_tasks")
    try:
        report = services.report_open(
            actor=request.user, campaign=form.cleaned_data["campaign"], month=form.cleaned_data["month"]
        )
    except PermissionDenied as error:
        return forbidden(request, str(error))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(f"{reverse('reports:my_tasks')}?month={form.cleaned_data['month']:%Y-%m}")
    messages.success(request, _("已创建草稿，请填写后提交。"))
    return redirect("reports:edit", pk=report.pk)


@require_GET
def report_detail(request, pk: int):
    """One report: its contents, attachments, contributions, state and the actions the user may take."""
    report = _visible_report(request, pk, selectors.report_full_queryset())
    return _render_detail(request, report)


def _render_detail(request, report: Report, *, return_form=None, contribution_form=None, status: int = 200):
    user = request.user
    participants = selectors.participant_agencies(report.campaign_id)
    participant_ids = {a.pk for a in participants}
    month_open = permissions.month_open_for(report.agency_id, report.month) if report.is_editable_status else False
    can_contribute = permissions.can_contribute(
        user, report, participant_agency_ids=participant_ids, month_open=month_open
    )
    own_contribution = next((c for c in report.contributions.all() if c.agency_id == user.agency_id), None)
    context = {
        "report": report,
        "state": report.state(),
        "indicator_rows": selectors.indicator_rows(report),
        "participants": participants,
        "contributed_ids": {c.agency_id for c in report.contributions.all()},
        "can_edit": permissions.can_edit_report(user, report, month_open=month_open),
        "can_review": permissions.can_review_report(user, report),
        "can_contribute": can_contribute,
        "return_form": return_form or ReturnForm(),
        "contribution_form": contribution_form
        or ContributionForm(initial={"text": own_contribution.text if own_contribution else ""}),
        "month_locked": report.is_editable_status and not month_open,
    }
    return render(request, "reports/report_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def report_edit(request, pk: int):
    """The report form: save the draft (with a new attachment), or save and submit in one step.

    Everything in one POST happens together or not at all: if the upload or the submission is
    refused, the text is not saved either, and the form comes back with every error next to its field.
    """
    report = _visible_report(request, pk)
    if not permissions.can_edit_report(request.user, report):
        return forbidden(request, services.edit_refusal(request.user, report))
    indicators = list(Indicator.objects.filter(campaign_id=report.campaign_id, is_active=True))
    values = {v.indicator_id: v.value for v in report.indicator_values.all()}
    if request.method == "GET":
        return _render_edit(request, report, ReportForm(report=report, indicators=indicators, values=values))
    form = ReportForm(request.POST, request.FILES, report=report, indicators=indicators, values=values)
    submitting = "submit" in request.POST
    if form.is_valid():
        upload = form.cleaned_data.get("file")
        attachment = None
        try:
            with transaction.atomic():
                report = services.report_update(actor=request.user, report=report, data=form.service_data())
                if submitting and (missing := services.submission_errors(report=report)):
                    raise ValidationError(missing)  # before the file is written
                if upload:
                    attachment = services.attachment_add(actor=request.user, report=report, upload=upload)
                if submitting:
                    report = services.report_submit(actor=request.user, report=report)
        except (PermissionDenied, ValidationError) as error:
            if attachment is not None:  # the row was rolled back; the stored file must go too
                attachment.file.storage.delete(attachment.file.name)
            if isinstance(error, PermissionDenied):
                return forbidden(request, str(error))
            add_service_errors(form, error)
            if submitting:
                _add_submission_errors(form, report)
        else:
            if submitting:
                messages.success(request, _("报告已提交，请等待区文明办审核。"))
                return redirect("reports:detail", pk=report.pk)
            if upload:
                messages.success(request, _("草稿已保存，附件“%(name)s”已上传。") % {"name": upload.name})
            else:
                messages.success(request, _("草稿已保存。"))
            return redirect("reports:edit", pk=report.pk)
    elif submitting:
        _add_submission_errors(form, report)
    return _render_edit(request, report, form, status=400)


def _add_submission_errors(form: ReportForm, report: Report) -> None:
    """Show what submission would still miss together with the input errors, not one round at a time."""
    for field, errors in services.submission_errors(report=report, data=form.partial_data()).items():
        if field in form.fields and field not in form.errors:
            form.add_error(field, errors)


def _render_edit(request, report: Report, form: ReportForm, *, status: int = 200):
    context = {
        "report": report,
        "state": report.state(),
        "form": form,
        "attachments": report.attachments.select_related("uploaded_by"),
        "max_attachments": services.MAX_ATTACHMENTS_PER_REPORT,
    }
    return render(request, "reports/report_form.html", context, status=status)


@require_POST
def report_submit(request, pk: int):
    """Submit a complete draft from its page; an incomplete one goes back to the form with the errors."""
    report = _visible_report(request, pk)
    try:
        services.report_submit(actor=request.user, report=report)
    except PermissionDenied as error:
        return forbidden(request, str(error))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:edit", pk=report.pk)
    messages.success(request, _("报告已提交，请等待区文明办审核。"))
    return redirect("reports:detail", pk=report.pk)


@require_GET
def report_history(request, pk: int):
    """Every change to the report: who, when, what, old and new values (可查可核可溯)."""
    report = _visible_report(request, pk)
    return render(
        request, "reports/report_history.html", {"report": report, "entries": selectors.report_history(report)}
    )


@require_POST
def report_contribute(request, pk: int):
    """A participating agency saves its 协办情况 on the lead's report."""
    report = _visible_report(request, pk, selectors.report_full_queryset())
    form = ContributionForm(request.POST)
    form.is_valid()
    try:
        services.contribution_save(actor=request.user, report=report, text=form.cleaned_data.get("text", ""))
    except PermissionDenied as error:
        return forbidden(request, str(error))
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_detail(request, report, contribution_form=form, status=400)
    messages.success(request, _("协办情况已保存。"))
    return redirect("reports:detail", pk=report.pk)


# --- Attachments ---------------------------------------------------------------------------------------


@require_GET
def attachment_download(request, pk: int):
    """Serve an attachment only to those who may see its report; never from a public URL."""
    attachment = get_object_or_404(Attachment.objects.select_related("report"), pk=pk)
    if not permissions.can_view_attachment(request.user, attachment):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)


@require_POST
def attachment_delete(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.select_related("report"), pk=pk)
    if not permissions.can_view_attachment(request.user, attachment):
        raise Http404
    try:
        services.attachment_delete(actor=request.user, attachment=attachment)
    except PermissionDenied as error:
        return forbidden(request, str(error))
    messages.success(request, _("附件“%(name)s”已删除。") % {"name": attachment.name})
    return redirect(f"{reverse('reports:edit', args=[attachment.report_id])}#attachments")


# --- Office pages ----------------------------------------------------------------------------------------


@require_GET
def review_queue(request):
    """The office's queue: submitted reports waiting for review, the longest waiting first."""
    if not request.user.is_office:
        return forbidden(request, _("审核队列仅供区文明办使用。"))
    filterset = ReportFilterSet(request.GET or None, queryset=selectors.review_queue(request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/review_queue.html",
        {"filterset": filterset, "page": page, "today": timezone.localdate(), **_filter_choices(request)},
    )


@require_POST
def report_accept(request, pk: int):
    report = _visible_report(request, pk)
    try:
        services.report_accept(actor=request.user, report=report)
    except PermissionDenied as error:
        return forbidden(request, str(error))
    messages.success(request, _("报告已审核通过。"))
    return redirect("reports:review_queue")


@require_POST
def report_return(request, pk: int):
    report = _visible_report(request, pk, selectors.report_full_queryset())
    form = ReturnForm(request.POST)
    form.is_valid()
    try:
        services.report_return(actor=request.user, report=report, comment=form.cleaned_data.get("comment", ""))
    except PermissionDenied as error:
        return forbidden(request, str(error))
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_detail(request, report, return_form=form, status=400)
    messages.success(request, _("报告已退回%(agency)s修改。") % {"agency": report.agency})
    return redirect("reports:review_queue")


@require_GET
def export_xlsx(request):
    """The reports of any filter, as the user may see them, in an Excel workbook."""
    if not permissions.can_export_reports(request.user):
        return forbidden(request, _("您的账号没有导出月度报告的权限。"))
    filterset = ReportFilterSet(request.GET or None, queryset=selectors.report_full_queryset().visible_to(request.user))
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("筛选条件有误，请修改后再导出。"))
        return redirect(f"{reverse('reports:past')}?{request.GET.urlencode()}")
    today = timezone.localdate()
    workbook = excel.reports_workbook(filterset.qs, today=today)
    return xlsx_response(workbook, _("月度工作进展报告_%(date)s.xlsx") % {"date": today.isoformat()})


# --- Indicators (office) -----------------------------------------------------------------------------------


@require_GET
def indicator_list(request):
    if not permissions.can_manage_indicators(request.user):
        return forbidden(request, _("考核指标由区文明办设置。"))
    indicators = Indicator.objects.select_related("campaign").order_by("campaign__number", "position", "pk")
    return render(request, "reports/indicator_list.html", {"indicators": indicators})


@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk: int | None = None):
    if not permissions.can_manage_indicators(request.user):
        return forbidden(request, _("考核指标由区文明办设置。"))
    indicator = get_object_or_404(Indicator, pk=pk) if pk else None
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.INDICATOR_FIELDS}
        try:
            if indicator is None:
                services.indicator_create(actor=request.user, campaign=form.cleaned_data["campaign"], data=data)
            else:
                services.indicator_update(actor=request.user, indicator=indicator, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("考核指标已保存。"))
            return redirect("reports:indicators")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "reports/indicator_form.html", {"form": form, "indicator": indicator}, status=status)


# --- Month locks (office) ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def month_list(request):
    """Locked months, the agencies each was reopened for, and the form to lock another month."""
    if not permissions.can_lock_months(request.user):
        return forbidden(request, _("月份锁定由区文明办管理。"))
    form = MonthLockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lock = services.month_lock(
                actor=request.user, month=form.cleaned_data["month"], note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(month)s已锁定。") % {"month": services.month_label(lock.month)})
            return redirect("reports:months")
    return _render_months(request, form=form, status=400 if form.is_bound and form.errors else 200)


def _render_months(request, *, form=None, reopen_form=None, reopen_lock_id=None, status=200):
    context = {
        "form": form or MonthLockForm(),
        "locks": selectors.month_locks(),
        # One list for every lock's agency menu: a form widget per lock would query once per lock.
        "agencies": list(selectors.lead_agencies().only("name")),
        "failed_reopen_form": reopen_form,
        "failed_reopen_lock_id": reopen_lock_id,
    }
    return render(request, "reports/month_list.html", context, status=status)


@require_POST
def month_unlock(request, pk: int):
    lock = get_object_or_404(MonthLock, pk=pk)
    try:
        services.month_unlock(actor=request.user, lock=lock)
    except PermissionDenied as error:
        return forbidden(request, str(error))
    messages.success(request, _("%(month)s已解除锁定。") % {"month": services.month_label(lock.month)})
    return redirect("reports:months")


@require_POST
def month_reopen(request, pk: int):
    if not permissions.can_lock_months(request.user):
        return forbidden(request, _("月份锁定由区文明办管理。"))
    lock = get_object_or_404(MonthLock, pk=pk)
    form = ReopenForm(request.POST, agencies=selectors.lead_agencies())
    if form.is_valid():
        try:
            reopening = services.month_reopen(
                actor=request.user, lock=lock, agency=form.cleaned_data["agency"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(month)s已为%(agency)s重新开放。")
                % {"month": services.month_label(lock.month), "agency": reopening.agency},
            )
            return redirect("reports:months")
    return _render_months(request, reopen_form=form, reopen_lock_id=lock.pk, status=400)


@require_POST
def month_reopening_revoke(request, pk: int):
    reopening = get_object_or_404(MonthReopening.objects.select_related("lock", "agency"), pk=pk)
    try:
        services.month_reopening_revoke(actor=request.user, reopening=reopening)
    except PermissionDenied as error:
        return forbidden(request, str(error))
    messages.success(request, _("已关闭%(agency)s的重新开放。") % {"agency": reopening.agency})
    return redirect("reports:months")
