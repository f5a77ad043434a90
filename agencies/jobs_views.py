"""Pages of what the scheduled jobs produce (issue 7): each user's notifications, the office's
email log and the monthly supervision summaries.

Kept apart from views.py (dashboard and supervision orders) so each file reads in one sitting.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import notifications as services
from .models import EmailDelivery, Notification, SupervisionSummary
from .permissions import can_manage_email_deliveries, can_view_dashboard

PAGE_SIZE = 30


def notification_list(request):
    """The user's in-portal notifications, newest first, unread ones marked."""
    page = Paginator(Notification.objects.visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_manage_email": can_manage_email_deliveries(request.user)}
    if context["can_manage_email"]:
        context["failed_emails"] = EmailDelivery.objects.filter(status=EmailDelivery.Status.FAILED).count()
    return render(request, "agencies/notification_list.html", context)


@require_POST
def notification_read(request, pk: int):
    """Mark one notification read; with ``open`` go on to the page it links to."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    link = notification.link
    if "open" in request.POST and link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("agencies:notifications")


@require_POST
def notification_read_all(request):
    """Mark every notification of the user read."""
    count = services.notifications_mark_all_read(actor=request.user)
    messages.success(request, f"已将 {count} 条通知标为已读。")
    return redirect("agencies:notifications")


def email_delivery_list(request):
    """The office's email log: failed emails first, with the error and a button to send again."""
    if not can_manage_email_deliveries(request.user):
        raise PermissionDenied
    status = request.GET.get("status")
    if status not in EmailDelivery.Status.values:
        status = EmailDelivery.Status.FAILED
    deliveries = EmailDelivery.objects.filter(status=status).select_related("recipient__agency")
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "agencies/email_delivery_list.html",
        {"page": page, "status": status, "statuses": EmailDelivery.Status.choices},
    )


@require_POST
def email_delivery_retry(request, pk: int):
    """The office sends a failed email again."""
    if not can_manage_email_deliveries(request.user):
        raise PermissionDenied
    delivery = get_object_or_404(EmailDelivery, pk=pk)
    try:
        services.email_delivery_retry(actor=request.user, delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"已重新发送给 {delivery.to} 的邮件。")
    return redirect("agencies:email_deliveries")


def summary_list(request):
    """The office's monthly supervision summaries, newest first."""
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    summaries = SupervisionSummary.objects.defer("html", "text")
    page = Paginator(summaries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "agencies/summary_list.html", {"page": page, "summary_day": settings.SUPERVISION_SUMMARY_DAY}
    )


def summary_detail(request, pk: int):
    """One summary as the office reviewers received it."""
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    summary = get_object_or_404(SupervisionSummary, pk=pk)
    return render(request, "agencies/summary_detail.html", {"summary": summary})


def summary_download(request, pk: int):
    """The summary's Excel workbook."""
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    summary = get_object_or_404(SupervisionSummary, pk=pk)
    if not summary.workbook:
        raise Http404
    return FileResponse(summary.workbook.open("rb"), as_attachment=True, filename=summary.filename)
