"""Pages of the Civilization Office dashboard (/dashboard/) and of supervision orders (/supervision/).

Views are thin: permissions.py says who may do what, services.py does it, selectors.py reads.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiqing_credit.excel import xlsx_response

from . import excel, selectors, services
from .filters import SupervisionOrderFilterSet
from .forms import (
    AnswerForm,
    CloseForm,
    DashboardMonthForm,
    EscalateForm,
    InterviewForm,
    RemindForm,
    SendBackForm,
    SupervisionOrderForm,
)
from .models import SupervisionOrder
from .permissions import (
    can_answer_order,
    can_close_order,
    can_escalate_order,
    can_issue_order,
    can_record_interview,
    can_send_back_order,
    can_view_dashboard,
    can_view_orders,
    speaks_for_agency,
    supervision_orders_visible_to,
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _dashboard_month(request):
    """The month asked for, or the default one; the bound form carries any error to the page."""
    today = timezone.localdate()
    form = DashboardMonthForm(request.GET or None)
    month = None
    if form.is_bound and form.is_valid():
        month = form.cleaned_data["month"]
    return form, month or selectors.default_month(today), today


def dashboard(request):
    """The office's dashboard: the month's matrix, trends, ranking, overdue list and open orders."""
    _require(can_view_dashboard(request.user))
    form, month, today = _dashboard_month(request)
    data = selectors.dashboard(month=month, today=today)
    return render(
        request,
        "agencies/dashboard.html",
        {
            "form": form,
            "data": data,
            "chart": selectors.chart_data(data),
            "previous_month": selectors.add_months(month, -1),
            "next_month": selectors.add_months(month, 1) if month < today.replace(day=1) else None,
            "weights": _weights(),
        },
    )


def _weights():
    return {
        "on_time": settings.DASHBOARD_WEIGHT_ON_TIME,
        "acceptance": settings.DASHBOARD_WEIGHT_ACCEPTANCE,
        "open_rectification": settings.DASHBOARD_WEIGHT_OPEN_RECTIFICATION,
    }


def dashboard_export(request):
    """The dashboard of a month as an Excel workbook: matrix, ranking, overdue list, trend."""
    _require(can_view_dashboard(request.user))
    _form, month, today = _dashboard_month(request)
    data = selectors.dashboard(month=month, today=today)
    return xlsx_response(excel.dashboard_workbook(data), f"工作看板-{month:%Y-%m}.xlsx")


@require_POST
def dashboard_remind(request):
    """Remind now (立即催办) on the overdue list: a 催办 order and an e-mail to the agency's reporters."""
    _require(can_issue_order(request.user))
    form = RemindForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("催办失败：请求参数不完整。"))
        return redirect("agencies:dashboard")
    month = form.cleaned_data["month"]
    try:
        order, recipients = services.supervision_order_remind(
            actor=request.user,
            campaign=form.cleaned_data["campaign"],
            agency=form.cleaned_data["agency"],
            month=month,
            today=timezone.localdate(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("已向%(agency)s发出催办（期限 %(deadline)s），邮件通知 %(count)d 个地址。")
            % {"agency": order.agency, "deadline": f"{order.deadline:%Y-%m-%d}", "count": recipients},
        )
    return redirect(f"{reverse('agencies:dashboard')}?month={month:%Y-%m}")


def _visible_orders(request):
    return supervision_orders_visible_to(request.user).select_related("agency", "campaign", "issued_by")


def order_list(request):
    """Supervision orders: the office sees all, an agency its own; filter by agency, kind, state, month."""
    _require(can_view_orders(request.user))
    filterset = SupervisionOrderFilterSet(request.GET or None, queryset=_visible_orders(request))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "agencies/order_list.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "can_issue": can_issue_order(request.user),
        },
    )


def order_export(request):
    """The orders of the list's filter as an Excel workbook (the same permission rule as the list)."""
    _require(can_view_orders(request.user))
    filterset = SupervisionOrderFilterSet(request.GET or None, queryset=_visible_orders(request))
    today = timezone.localdate()
    orders = filterset.qs.select_related("answered_by", "closed_by")
    return xlsx_response(excel.orders_workbook(orders.iterator(chunk_size=500), today), f"督办事项-{today:%Y%m%d}.xlsx")


def order_create(request):
    """The office issues an order; the dashboard prefills agency, campaign, report and kind."""
    _require(can_issue_order(request.user))
    if request.method == "POST":
        form = SupervisionOrderForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = services.supervision_order_issue(
                    actor=request.user,
                    kind=data["kind"],
                    agency=data["agency"],
                    campaign=data["campaign"],
                    report=data["report"],
                    report_month=data["report_month"],
                    title=data["title"],
                    content=data["content"],
                    deadline=data["deadline"],
                    interview_date=data["interview_date"],
                    interviewee=data["interviewee"],
                    today=timezone.localdate(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("督办事项已下发，已邮件通知该单位。"))
                return redirect(order)
    else:
        form = SupervisionOrderForm(initial=_prefill(request.GET))
    return render(request, "agencies/order_form.html", {"form": form, "report_month": _month_of(form)})


def _month_of(form) -> datetime.date | None:
    """The report month the order is about, for the page to say so (it travels as a hidden field)."""
    try:
        return datetime.date.fromisoformat(str(form["report_month"].value() or ""))
    except ValueError:
        return None


def _prefill(params) -> dict:
    initial = {key: params[key] for key in ("kind", "agency", "campaign", "report") if params.get(key)}
    if params.get("report_month"):
        initial["report_month"] = params["report_month"]
    return initial


def _order_for(request, pk: int) -> SupervisionOrder:
    """An order the user may see; any other id answers 404, so existence does not leak."""
    return get_object_or_404(_visible_orders(request).select_related("report", "parent"), pk=pk)


def order_detail(request, pk: int, forms: dict | None = None):
    """One order: what was ordered, the agency's answer, the office's comment, and its history."""
    order = _order_for(request, pk)
    user = request.user
    forms = forms or {}
    available = {
        "answer_form": (can_answer_order(user, order), AnswerForm),
        "interview_form": (
            can_record_interview(user, order),
            lambda: InterviewForm(initial={"interview_date": order.interview_date, "interviewee": order.interviewee}),
        ),
        "send_back_form": (can_send_back_order(user, order), SendBackForm),
        "close_form": (can_close_order(user, order), CloseForm),
        "escalate_form": (can_escalate_order(user, order), EscalateForm),
    }
    context = {"order": order, "colour": order.deadline_colour(timezone.localdate())}
    for name, (allowed, make) in available.items():
        if allowed:
            context[name] = forms.get(name) or make()
    context["history"] = selectors.order_history(order)
    context["follow_ups"] = list(order.follow_ups.all())
    return render(request, "agencies/order_detail.html", context)


def _order_action(request, pk, *, allowed, form_class, form_name, run, done):
    order = _order_for(request, pk)
    _require(allowed(request.user, order))
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(order, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(order)
    return order_detail(request, pk, forms={form_name: form})


@require_POST
def order_answer(request, pk: int):
    return _order_action(
        request,
        pk,
        allowed=speaks_for_agency,
        form_class=AnswerForm,
        form_name="answer_form",
        run=lambda order, data: services.supervision_order_answer(
            actor=request.user, order=order, answer=data["answer"]
        ),
        done=_("答复已提交，等待区文明办审核。"),
    )


@require_POST
def order_close(request, pk: int):
    return _order_action(
        request,
        pk,
        allowed=lambda user, order: can_issue_order(user),
        form_class=CloseForm,
        form_name="close_form",
        run=lambda order, data: services.supervision_order_close(
            actor=request.user, order=order, comment=data["comment"]
        ),
        done=_("督办事项已办结。"),
    )


@require_POST
def order_send_back(request, pk: int):
    return _order_action(
        request,
        pk,
        allowed=lambda user, order: can_issue_order(user),
        form_class=SendBackForm,
        form_name="send_back_form",
        run=lambda order, data: services.supervision_order_send_back(
            actor=request.user, order=order, comment=data["comment"]
        ),
        done=_("已退回，单位需重新答复。"),
    )


@require_POST
def order_interview(request, pk: int):
    return _order_action(
        request,
        pk,
        allowed=lambda user, order: can_issue_order(user),
        form_class=InterviewForm,
        form_name="interview_form",
        run=lambda order, data: services.supervision_order_record_interview(actor=request.user, order=order, **data),
        done=_("约谈纪要已保存。"),
    )


@require_POST
def order_escalate(request, pk: int):
    created = {}

    def run(order, data):
        created["order"] = services.supervision_order_escalate(
            actor=request.user,
            order=order,
            content=data["content"],
            deadline=data["deadline"],
            today=timezone.localdate(),
        )

    response = _order_action(
        request,
        pk,
        allowed=lambda user, order: can_issue_order(user),
        form_class=EscalateForm,
        form_name="escalate_form",
        run=run,
        done=_("已报区不作为不担当领导小组。"),
    )
    if "order" in created:
        return redirect(created["order"])
    return response
