"""Pages of the red/black list: staff management under /list/ (section 五.1) and the public
credit-repair pages under /repair/ (section 五.3). Views are thin: they parse, call a service or
selector, and render."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from xiqing_credit.client_ip import client_ip
from xiqing_credit.excel import XLSX_CONTENT_TYPE, xlsx_response

from . import excel, permissions, services
from .crypto import id_number_hash
from .filters import ListEntryFilterSet, RepairApplicationFilterSet
from .forms import (
    ImportForm,
    ListEntryForm,
    ReasonForm,
    RepairApplyForm,
    RepairDecisionForm,
    RepairLookupForm,
    add_service_errors,
)
from .models import ListEntry, ListExport, RepairApplication
from .selectors import application_history, entries_for_export, entry_history, publicity_rules
from .validators import normalise

PAGE_SIZE = 50
MAX_ERRORS_SHOWN = 200


def staff_only(view):
    """Agency reporters and office reviewers; any other account gets 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_office or request.user.is_reporter):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _visible_entry(request, pk: int) -> ListEntry:
    return get_object_or_404(permissions.entries_visible_to(request.user).with_related(), pk=pk)


# --- Entries ------------------------------------------------------------------------------------


@staff_only
@require_GET
def entry_list(request):
    """Entries the user may see, filtered; the office sees every agency's, an agency its own."""
    queryset = permissions.entries_visible_to(request.user).with_related()
    filterset = ListEntryFilterSet(request.GET, queryset=queryset)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "blacklist/entry_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_publish": permissions.can_publish(request.user),
        },
    )


@staff_only
@require_GET
def entry_export(request):
    """The filtered entries as Excel; ID numbers masked, formula-like text kept as text.

    Up to ``LIST_EXPORT_BACKGROUND_ROWS`` entries the file is the answer; above that this page
    offers to build it in the background (issue 9 §3), never inside the request."""
    entries = entries_for_export(request.user, request.GET)
    count = entries.count()
    if count > settings.LIST_EXPORT_BACKGROUND_ROWS:
        return render(
            request,
            "blacklist/export_confirm.html",
            {"count": count, "limit": settings.LIST_EXPORT_BACKGROUND_ROWS, "query": request.GET.urlencode()},
        )
    return xlsx_response(excel.entries_workbook(excel.export_rows(entries)), "红黑名单条目.xlsx")


@staff_only
@require_POST
def export_start(request):
    """Start a background export of the entries the list page's query (in the URL) selects."""
    list_export = services.list_export_submit(actor=request.user, params=request.GET.dict())
    return redirect("blacklist:export_detail", pk=list_export.pk)


@staff_only
@require_GET
def export_detail(request, pk: int):
    """Progress of a background export (polled by blacklist.js) and, when done, its download link."""
    list_export = get_object_or_404(permissions.exports_visible_to(request.user), pk=pk)
    return render(request, "blacklist/export_detail.html", {"export": list_export})


@staff_only
@require_GET
@never_cache
def export_status(request, pk: int):
    list_export = get_object_or_404(permissions.exports_visible_to(request.user), pk=pk)
    return JsonResponse(
        {
            "status": list_export.status,
            "status_display": list_export.get_status_display(),
            "finished": list_export.is_finished,
            "percent": list_export.percent,
            "processed": list_export.processed_rows,
            "total": list_export.total_rows,
        }
    )


@staff_only
@require_GET
def export_download(request, pk: int):
    """The finished file, only to the account that asked for it."""
    list_export = get_object_or_404(
        permissions.exports_visible_to(request.user).filter(status=ListExport.Status.SUCCEEDED), pk=pk
    )
    return FileResponse(
        list_export.file.open("rb"),
        as_attachment=True,
        filename=f"红黑名单条目-{list_export.created_at:%Y%m%d%H%M}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@staff_only
def entry_create(request):
    """Propose one entry; it starts as proposed and waits for the office to publish it."""
    if not permissions.can_propose(request.user):
        raise PermissionDenied
    form = ListEntryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_propose(actor=request.user, data=form.entry_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "名单条目已提出，等待区文明办审核发布。")
            return redirect("blacklist:entry_detail", pk=entry.pk)
    return render(request, "blacklist/entry_form.html", {"form": form, "rules": publicity_rules().values()})


@staff_only
@require_GET
def entry_detail(request, pk: int):
    """One entry with its actions, repair applications and full history."""
    entry = _visible_entry(request, pk)
    return _render_detail(request, entry)


def _render_detail(request, entry, *, remove_form=None, reveal_form=None, status=200):
    user = request.user
    context = {
        "entry": entry,
        "history": entry_history(entry),
        "applications": permissions.repair_applications_visible_to(user).filter(entry=entry),
        "can_publish": permissions.can_publish(user) and entry.status == ListEntry.Status.PROPOSED,
        "can_remove": permissions.can_remove(user)
        and entry.status in (ListEntry.Status.PROPOSED, ListEntry.Status.PUBLISHED),
        "can_reveal": entry.subject.is_person,
        "remove_form": remove_form or ReasonForm(label="移出原因", prefix="remove"),
        "reveal_form": reveal_form or ReasonForm(label="查看事由", prefix="reveal"),
    }
    return render(request, "blacklist/entry_detail.html", context, status=status)


@staff_only
@require_POST
def entry_publish(request, pk: int):
    entry = _visible_entry(request, pk)
    try:
        services.entry_publish(actor=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已发布，条目即日起在信用“红黑榜”公示。")
    return redirect("blacklist:entry_detail", pk=entry.pk)


@staff_only
@require_POST
def entry_remove(request, pk: int):
    entry = _visible_entry(request, pk)
    form = ReasonForm(request.POST, label="移出原因", prefix="remove")
    if form.is_valid():
        try:
            services.entry_remove(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已移出名单，条目保留在信用记录中。")
            return redirect("blacklist:entry_detail", pk=entry.pk)
    if not permissions.can_remove(request.user):
        raise PermissionDenied
    return _render_detail(request, entry, remove_form=form, status=400)


@staff_only
@require_POST
@never_cache
def entry_reveal(request, pk: int):
    """Show the full ID number once, to a user who gives a reason; the reveal is recorded."""
    entry = _visible_entry(request, pk)
    form = ReasonForm(request.POST, label="查看事由", prefix="reveal")
    if form.is_valid():
        try:
            number = services.subject_reveal_id(
                actor=request.user, entry=entry, reason=form.cleaned_data["reason"], ip_address=client_ip(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "blacklist/id_reveal.html", {"entry": entry, "id_number": number})
    return _render_detail(request, entry, reveal_form=form, status=400)


# --- Excel import -----------------------------------------------------------------------------


@staff_only
@require_GET
def import_template(request):
    return xlsx_response(excel.template_workbook(), "红黑名单导入模板.xlsx")


@staff_only
def import_upload(request):
    """Upload a workbook: hostile files are refused at once; the rows are checked in a task."""
    if not permissions.can_propose(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            list_import = services.list_import_submit(actor=request.user, uploaded_file=form.cleaned_data["file"])
        except excel.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("blacklist:import_detail", pk=list_import.pk)
    recent = permissions.imports_visible_to(request.user).select_related("created_by")[:10]
    return render(request, "blacklist/import_form.html", {"form": form, "recent": recent})


@staff_only
@require_GET
def import_detail(request, pk: int):
    """Progress of an import (polled by blacklist.js) and, when done, its per-row error report."""
    list_import = get_object_or_404(permissions.imports_visible_to(request.user), pk=pk)
    return render(
        request,
        "blacklist/import_detail.html",
        {
            "import": list_import,
            "errors": list_import.errors[:MAX_ERRORS_SHOWN],
            "more_errors": max(len(list_import.errors) - MAX_ERRORS_SHOWN, 0),
        },
    )


@staff_only
@require_GET
@never_cache
def import_status(request, pk: int):
    list_import = get_object_or_404(permissions.imports_visible_to(request.user), pk=pk)
    return JsonResponse(
        {
            "status": list_import.status,
            "status_display": list_import.get_status_display(),
            "finished": list_import.is_finished,
            "percent": list_import.percent,
            "processed": list_import.processed_rows,
            "total": list_import.total_rows,
        }
    )


@staff_only
@require_GET
def import_errors(request, pk: int):
    list_import = get_object_or_404(permissions.imports_visible_to(request.user), pk=pk)
    return xlsx_response(excel.error_report_workbook(_import_errors(list_import)), f"导入错误报告-{pk}.xlsx")


def _import_errors(list_import):
    if list_import.errors:
        return list_import.errors
    if list_import.status == list_import.Status.FAILED and list_import.message:
        return [{"row": "", "column": "", "message": list_import.message}]
    return []


# --- Repair applications (staff) -----------------------------------------------------------------


@staff_only
@require_GET
def repair_list(request):
    queryset = permissions.repair_applications_visible_to(request.user).select_related(
        "entry__subject", "entry__deciding_agency"
    )
    filterset = RepairApplicationFilterSet(request.GET, queryset=queryset)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "blacklist/repair_list.html",
        {"filter": filterset, "page": page, "today": timezone.localdate()},
    )


def _visible_application(request, pk: int) -> RepairApplication:
    queryset = permissions.repair_applications_visible_to(request.user).select_related(
        "entry__subject", "entry__campaign", "entry__deciding_agency", "decided_by"
    )
    return get_object_or_404(queryset, pk=pk)


@staff_only
def repair_detail(request, pk: int):
    """One application, its evidence and history; the office or deciding agency decides here."""
    application = _visible_application(request, pk)
    can_decide = (
        permissions.can_decide_repair(request.user, application)
        and application.status == RepairApplication.Status.SUBMITTED
    )
    form = RepairDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not permissions.can_decide_repair(request.user, application):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.repair_decide(
                    actor=request.user,
                    application=application,
                    approve=form.cleaned_data["decision"] == "approve",
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "已作出决定。")
                return redirect("blacklist:repair_detail", pk=application.pk)
        status = 400
    return render(
        request,
        "blacklist/repair_detail.html",
        {
            "application": application,
            "evidence": application.evidence.all(),
            "history": application_history(application),
            "form": form,
            "can_decide": can_decide,
            "today": timezone.localdate(),
        },
        status=status,
    )


@staff_only
@require_GET
def repair_evidence(request, pk: int, evidence_pk: int):
    """An evidence file, only to staff who may see the application."""
    application = _visible_application(request, pk)
    item = get_object_or_404(application.evidence, pk=evidence_pk)
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.filename, content_type=item.content_type
    )


# --- Credit repair (public) ----------------------------------------------------------------------


def _attempts_key(request) -> str:
    return f"repair-attempts:{client_ip(request)}"


def _too_many_attempts(request) -> bool:
    return (cache.get(_attempts_key(request)) or 0) >= settings.REPAIR_FAILED_ATTEMPTS_PER_HOUR


def _count_failed_attempt(request) -> None:
    key = _attempts_key(request)
    if cache.add(key, 1, timeout=3600):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)


TOO_MANY = "尝试次数过多，请一小时后再试。"


@login_not_required
@require_GET
def repair_home(request):
    """How credit repair works (section 五.3), with the application and look-up forms."""
    rules = [rule for rule in publicity_rules().values() if rule.list == ListEntry.List.BLACK]
    return render(
        request,
        "blacklist/repair_home.html",
        {
            "rules": rules,
            "grounds": RepairApplication.Ground.choices,
            "lookup_form": RepairLookupForm(),
            "working_days": settings.REPAIR_DECISION_WORKING_DAYS,
        },
    )


@login_not_required
@never_cache
def repair_apply(request):
    """The public application: the entry, the subject's code or ID, grounds, commitment, evidence."""
    initial = {"entry": request.GET.get("entry")} if request.GET.get("entry", "").isdigit() else {}
    form = RepairApplyForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if _too_many_attempts(request):
            form.add_error(None, TOO_MANY)
            status = 429
        elif form.is_valid():
            entry = _entry_for_applicant(form.cleaned_data["entry"], form.cleaned_data["key"])
            if entry is None:
                _count_failed_attempt(request)
                form.add_error("key", "未找到与该编号和代码（号码）相符的名单条目，请核对后重新填写。")
            else:
                try:
                    application = services.repair_apply(
                        entry=entry,
                        grounds=form.cleaned_data["grounds"],
                        statement=form.cleaned_data["statement"],
                        commitment_signed_by=form.cleaned_data["commitment_signed_by"],
                        applicant_name=form.cleaned_data["applicant_name"],
                        contact_phone=form.cleaned_data["contact_phone"],
                        contact_email=form.cleaned_data["contact_email"],
                        evidence=form.cleaned_data["evidence"],
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    return render(request, "blacklist/repair_applied.html", {"application": application})
    return render(
        request,
        "blacklist/repair_apply.html",
        {"form": form, "commitment": services.COMMITMENT_TEXT},
        status=status,
    )


def _entry_for_applicant(pk: int, key: str) -> ListEntry | None:
    """The entry ``pk`` if ``key`` is its subject's credit code or ID number, else None."""
    entry = ListEntry.objects.with_related().filter(pk=pk).first()
    if entry is None:
        return None
    key = normalise(key)
    subject = entry.subject
    matches = subject.id_number_hash == id_number_hash(key) if subject.is_person else subject.credit_code == key
    return entry if matches else None


@login_not_required
@never_cache
def repair_status(request):
    """Progress of an application, looked up by its query code (POST keeps the code out of URLs)."""
    form = RepairLookupForm(request.POST or None)
    application = None
    status = 200
    if request.method == "POST":
        if _too_many_attempts(request):
            form.add_error(None, TOO_MANY)
            status = 429
        elif form.is_valid():
            code = normalise(form.cleaned_data["query_code"]).replace("-", "")
            application = (
                RepairApplication.objects.select_related("entry__subject", "entry__deciding_agency")
                .filter(query_code=code)
                .first()
            )
            if application is None:
                _count_failed_attempt(request)
                form.add_error("query_code", "未找到该查询码对应的申请，请核对后重新输入。")
                status = 404
    return render(request, "blacklist/repair_status.html", {"form": form, "application": application}, status=status)
