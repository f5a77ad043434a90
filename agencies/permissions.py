"""Who may see and do what with the dashboard and supervision orders: the one place that says it.

Pages, API and Excel exports all ask these functions; no view filters by hand. Section 五.4: the
Civilization Office (区文明办) supervises; an agency sees and answers only its own orders.
"""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework.permissions import BasePermission

from .models import SupervisionOrder


def supervision_orders_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The office (and administrators) see every order; a reporter its own agency's; others none."""
    queryset = SupervisionOrder.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if user.is_office:
        return queryset
    if user.is_reporter and user.agency_id:
        return queryset.filter(agency_id=user.agency_id)
    return queryset.none()


def can_view_dashboard(user) -> bool:
    """The dashboard, its API and its Excel export are for the office only."""
    return bool(getattr(user, "is_authenticated", False) and user.is_office)


def can_issue_order(user) -> bool:
    return can_view_dashboard(user)


def can_view_orders(user) -> bool:
    """The order list and its export: the office, and reporters (who see their own agency's)."""
    return bool(getattr(user, "is_authenticated", False) and (user.is_office or user.is_reporter))


def speaks_for_agency(user, order: SupervisionOrder) -> bool:
    """The user is a reporter of the order's agency: the only one who may answer it."""
    return bool(getattr(user, "is_authenticated", False) and user.is_reporter and user.agency_id == order.agency_id)


def can_answer_order(user, order: SupervisionOrder) -> bool:
    """A reporter of the order's agency answers while the order waits for the agency."""
    return speaks_for_agency(user, order) and not order.is_notice and order.awaits_agency


def can_close_order(user, order: SupervisionOrder) -> bool:
    """The office may try to close any order that is not closed; services check the kind's rules."""
    return can_issue_order(user) and order.status != SupervisionOrder.Status.CLOSED


def can_send_back_order(user, order: SupervisionOrder) -> bool:
    return can_issue_order(user) and order.status == SupervisionOrder.Status.ANSWERED


def can_record_interview(user, order: SupervisionOrder) -> bool:
    return (
        can_issue_order(user)
        and order.kind == SupervisionOrder.Kind.INTERVIEW
        and order.status != SupervisionOrder.Status.CLOSED
    )


def can_escalate_order(user, order: SupervisionOrder) -> bool:
    """Section 五.4: a rectification done poorly is reported to 区不作为不担当领导小组."""
    return (
        can_issue_order(user)
        and order.kind == SupervisionOrder.Kind.RECTIFICATION
        and order.status != SupervisionOrder.Status.CLOSED
    )


class IsOffice(BasePermission):
    """DRF permission: office reviewers and administrators only."""

    message = "仅区文明办可以访问。"

    def has_permission(self, request, view) -> bool:
        return can_view_dashboard(request.user)


# --- Issue 7: notifications (``Notification.objects.visible_to``) and the email log -----------


def can_manage_email_deliveries(user) -> bool:
    """Only the office sees the email log and sends failed emails again."""
    return bool(getattr(user, "is_authenticated", False) and user.is_office)
