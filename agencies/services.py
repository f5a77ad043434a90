"""Writes on agencies, accounts and supervision orders (督查督办)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from campaigns.models import Campaign, CampaignLead
from reports.models import Report, State, due_date_for, report_state

from .models import Agency, SupervisionOrder, User
from .notifications import Outgoing, messages_send
from .permissions import (
    can_answer_order,
    can_escalate_order,
    can_issue_order,
    can_record_interview,
    speaks_for_agency,
)


def user_create(*, username: str, agency_name: str, role: str, password: str | None = None) -> tuple[User, str]:
    """Create a portal account bound to one agency with one role; returns the user and password.

    Office reviewers must belong to 区文明办 (section 二: the office supervises the others).
    """
    if role not in User.Role.values:
        choices = "、".join(User.Role.values)
        raise ValidationError(f"未知角色“{role}”，可选：{choices}。")
    try:
        agency = Agency.objects.by_name(agency_name)
    except Agency.DoesNotExist:
        raise ValidationError(f"未找到单位“{agency_name}”，请先运行 load_plan 或检查单位名称。") from None
    if role == User.Role.OFFICE and not agency.is_office:
        raise ValidationError(f"区文明办审核员必须属于区文明办，而不是“{agency.name}”。")
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"用户名“{username}”已存在。")
    password = password or get_random_string(12)
    user = User(
        username=username,
        agency=agency,
        role=role,
        is_staff=role == User.Role.ADMIN,
        is_superuser=role == User.Role.ADMIN,
    )
    user.set_password(password)
    with transaction.atomic():
        user.full_clean()
        user.save()
    return user, password


# --- Supervision orders (督查督办), section 五.4 ---------------------------------------------------


def _cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _cn_month(month: datetime.date) -> str:
    return f"{month.year}年{month.month}月"


def _agency_reporters(agency_id: int) -> list[User]:
    return list(User.objects.filter(agency_id=agency_id, role=User.Role.REPORTER, is_active=True).order_by("pk"))


def _agency_recipients(agency_id: int) -> list[str]:
    """Where an order's e-mail goes, by the rule of ``notifications.messages_send``: the active
    reporters' addresses, or the agency's own address when none of them has one."""
    emails = sorted({u.email.strip() for u in _agency_reporters(agency_id) if u.email.strip()})
    if emails:
        return emails
    agency_email = Agency.objects.filter(pk=agency_id).values_list("email", flat=True).first()
    return [agency_email] if agency_email else []


def _order_body(order: SupervisionOrder, lead: str) -> str:
    lines = [
        lead,
        "",
        f"督办类型：{order.get_kind_display()}",
        f"标题：{order.title}",
        f"督办内容：{order.content}",
    ]
    if order.campaign_id:
        lines.append(f"专项治理：{order.campaign}")
    if order.report_month:
        lines.append(f"报告月份：{_cn_month(order.report_month)}")
    if order.deadline:
        lines.append(f"办理期限：{order.deadline:%Y-%m-%d}")
    if order.interview_date:
        lines.append(f"约谈日期：{order.interview_date:%Y-%m-%d}，被约谈人：{order.interviewee}")
    if order.office_comment:
        lines.append(f"区文明办意见：{order.office_comment}")
    lines += ["", f"请登录西青区诚信建设平台办理：{order.get_absolute_url()}"]
    return "\n".join(lines)


def _notify_agency(order: SupervisionOrder, subject: str, lead: str) -> int:
    """Tell the agency's reporters in the portal and by e-mail (recorded, retried, never lost
    silently: ``agencies.notifications``); returns how many addresses the e-mail goes to."""
    message = Outgoing(
        recipients=_agency_reporters(order.agency_id),
        title=f"【督查督办】{subject}",
        body=_order_body(order, lead),
        link=order.get_absolute_url(),
        fallback_email=order.agency.email,
    )
    return messages_send(messages=[message]).emails


def _locked(order: SupervisionOrder) -> SupervisionOrder:
    """Re-read the order under a row lock so two people acting at once cannot both succeed."""
    return SupervisionOrder.objects.select_for_update().select_related("agency").get(pk=order.pk)


def supervision_order_issue(
    *,
    actor: User,
    kind: str,
    agency: Agency,
    title: str,
    content: str,
    today: datetime.date,
    campaign: Campaign | None = None,
    report: Report | None = None,
    report_month: datetime.date | None = None,
    deadline: datetime.date | None = None,
    interview_date: datetime.date | None = None,
    interviewee: str = "",
    parent: SupervisionOrder | None = None,
) -> SupervisionOrder:
    """区文明办 issues a supervision order to one agency (section 五.4) and e-mails its reporters.

    An order about a report takes the report's campaign and month. Criticism (通报批评) and
    commendation (表扬) are notices that need no answer: they are closed as they are issued.
    """
    if not can_issue_order(actor):
        raise PermissionDenied("仅区文明办可以下发督办事项。")
    if report is not None:
        campaign = campaign or report.campaign
        report_month = report.month
    order = SupervisionOrder(
        kind=kind,
        agency=agency,
        campaign=campaign,
        report=report,
        report_month=report_month,
        parent=parent,
        title=title.strip(),
        content=content.strip(),
        issued_on=today,
        deadline=deadline,
        interview_date=interview_date,
        interviewee=interviewee.strip(),
        issued_by=actor,
    )
    if order.is_notice:
        order.status = SupervisionOrder.Status.CLOSED
        order.closed_at = timezone.now()
        order.closed_by = actor
    with transaction.atomic():
        order.full_clean()
        order._history_user = actor
        order.save()
        _notify_agency(order, f"{order.get_kind_display()}：{order.title}", f"区文明办向{agency}下发督办事项。")
    return order


def supervision_order_answer(*, actor: User, order: SupervisionOrder, answer: str) -> SupervisionOrder:
    """The agency answers its own order with what it did; the office then closes it or sends it back."""
    if not speaks_for_agency(actor, order):
        raise PermissionDenied("只能答复本单位的督办事项。")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "请填写答复内容。"})
    with transaction.atomic():
        order = _locked(order)
        if order.is_notice:
            raise ValidationError("通报批评和表扬无需答复。")
        if not can_answer_order(actor, order):
            raise ValidationError("该督办事项已答复或已办结，当前不能答复。")
        order.answer = answer
        order.answered_at = timezone.now()
        order.answered_by = actor
        order.status = SupervisionOrder.Status.ANSWERED
        order.full_clean()
        order._history_user = actor
        order.save(update_fields=["answer", "answered_at", "answered_by", "status", "updated_at"])
        messages_send(
            messages=[
                Outgoing(
                    recipients=[order.issued_by],
                    title=f"【督查督办】{order.agency}已答复：{order.title}",
                    body=_order_body(order, f"{order.agency}已答复：\n{answer}"),
                    link=order.get_absolute_url(),
                )
            ]
        )
    return order


def supervision_order_close(*, actor: User, order: SupervisionOrder, comment: str = "") -> SupervisionOrder:
    """The office closes an order (办结). A rectification needs the agency's answer first; an
    interview needs its minutes."""
    if not can_issue_order(actor):
        raise PermissionDenied("仅区文明办可以办结督办事项。")
    with transaction.atomic():
        order = _locked(order)
        if order.status == SupervisionOrder.Status.CLOSED:
            raise ValidationError("该督办事项已办结。")
        if order.kind == SupervisionOrder.Kind.RECTIFICATION and order.status != SupervisionOrder.Status.ANSWERED:
            raise ValidationError("限期整改须待单位答复整改情况后方可办结。")
        if order.kind == SupervisionOrder.Kind.INTERVIEW and not order.interview_minutes.strip():
            raise ValidationError("请先录入约谈纪要，再办结约谈。")
        order.status = SupervisionOrder.Status.CLOSED
        order.closed_at = timezone.now()
        order.closed_by = actor
        order.office_comment = (comment or "").strip()
        order.full_clean()
        order._history_user = actor
        order.save(update_fields=["status", "closed_at", "closed_by", "office_comment", "updated_at"])
        _notify_agency(order, f"已办结：{order.title}", "区文明办已办结以下督办事项。")
    return order


def supervision_order_send_back(*, actor: User, order: SupervisionOrder, comment: str) -> SupervisionOrder:
    """The office sends an answer back (退回): the agency must answer again, the comment says why."""
    if not can_issue_order(actor):
        raise PermissionDenied("仅区文明办可以退回督办事项。")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "退回时请填写退回意见。"})
    with transaction.atomic():
        order = _locked(order)
        if order.status != SupervisionOrder.Status.ANSWERED:
            raise ValidationError("只有已答复待审核的督办事项可以退回。")
        order.status = SupervisionOrder.Status.RETURNED
        order.office_comment = comment
        order.full_clean()
        order._history_user = actor
        order.save(update_fields=["status", "office_comment", "updated_at"])
        _notify_agency(order, f"答复被退回：{order.title}", "区文明办退回了贵单位的答复，请重新答复。")
    return order


def supervision_order_record_interview(
    *,
    actor: User,
    order: SupervisionOrder,
    interview_date: datetime.date,
    interviewee: str,
    interview_minutes: str,
) -> SupervisionOrder:
    """The office records how an interview (约谈主要负责同志, section 五.4) went: date, who, minutes."""
    if not can_issue_order(actor):
        raise PermissionDenied("仅区文明办可以录入约谈纪要。")
    if not (interview_minutes or "").strip():
        raise ValidationError({"interview_minutes": "请填写约谈纪要。"})
    with transaction.atomic():
        order = _locked(order)
        if not can_record_interview(actor, order):
            raise ValidationError("只有未办结的约谈可以录入约谈纪要。")
        order.interview_date = interview_date
        order.interviewee = (interviewee or "").strip()
        order.interview_minutes = interview_minutes.strip()
        order.full_clean()
        order._history_user = actor
        order.save(update_fields=["interview_date", "interviewee", "interview_minutes", "updated_at"])
    return order


def supervision_order_escalate(
    *,
    actor: User,
    order: SupervisionOrder,
    content: str,
    today: datetime.date,
    deadline: datetime.date | None = None,
) -> SupervisionOrder:
    """Section 五.4: a rectification done poorly is reported to 区不作为不担当领导小组.

    Creates an escalation order that points back to the rectification; the rectification itself
    stays as it is until the office closes it.
    """
    if not can_issue_order(actor):
        raise PermissionDenied("仅区文明办可以报区不作为不担当领导小组。")
    if not can_escalate_order(actor, order):
        raise ValidationError("只有未办结的限期整改可以报区不作为不担当领导小组。")
    return supervision_order_issue(
        actor=actor,
        kind=SupervisionOrder.Kind.ESCALATION,
        agency=order.agency,
        campaign=order.campaign,
        report=order.report,
        report_month=order.report_month,
        parent=order,
        title=f"整改不力：{order.title}"[:200],
        content=content,
        today=today,
        deadline=deadline,
    )


def supervision_order_remind(
    *, actor: User, campaign: Campaign, agency: Agency, month: datetime.date, today: datetime.date
) -> tuple[SupervisionOrder, int]:
    """Remind now (立即催办) on the dashboard: chase one lead agency's report for one month.

    Section 七.3: every lead unit reports monthly. Creates a 催办 order naming the report (or the
    campaign and month when the agency has not opened it yet) with ``SUPERVISION_REMINDER_DAYS``
    to answer, and e-mails the agency's reporters. Returns the order and the number of addresses.
    """
    if not can_issue_order(actor):
        raise PermissionDenied("仅区文明办可以催办。")
    month = month.replace(day=1)
    if not CampaignLead.objects.filter(campaign=campaign, agency=agency).exists():
        raise ValidationError(f"{agency}不是“{campaign.title}”的牵头单位，无需报送。")
    report = Report.objects.filter(campaign=campaign, agency=agency, month=month).first()
    due_date = report.due_date if report else due_date_for(month)
    status = report.status if report else None
    submitted_at = report.submitted_at if report else None
    state = report_state(status=status, submitted_at=submitted_at, due_date=due_date, today=today)
    if state in (State.SUBMITTED, State.LATE, State.ACCEPTED):
        raise ValidationError(f"{agency}已报送{_cn_month(month)}的“{campaign.title}”工作进展，无需催办。")
    deadline = today + datetime.timedelta(days=settings.SUPERVISION_REMINDER_DAYS)
    if state == State.OVERDUE:
        situation = f"截止日期为{_cn_date(due_date)}，已逾期{(today - due_date).days}天"
    elif state == State.RETURNED:
        situation = "报告已被退回，尚未重新提交"
    else:
        situation = f"截止日期为{_cn_date(due_date)}"
    with transaction.atomic():
        # Lock the agency so that a double click cannot send two reminders at once.
        Agency.objects.select_for_update().get(pk=agency.pk)
        already = SupervisionOrder.objects.not_closed().filter(
            kind=SupervisionOrder.Kind.REMINDER, agency=agency, campaign=campaign, report_month=month, issued_on=today
        )
        if already.exists():
            raise ValidationError(f"今天已就{_cn_month(month)}的“{campaign.title}”向{agency}催办，请勿重复催办。")
        order = supervision_order_issue(
            actor=actor,
            kind=SupervisionOrder.Kind.REMINDER,
            agency=agency,
            campaign=campaign,
            report=report,
            report_month=month,
            title=f"请报送{_cn_month(month)}“{campaign.title}”工作进展"[:200],
            content=(
                f"贵单位{_cn_month(month)}“{campaign.number}. {campaign.title}”月度工作进展尚未报送（{situation}）。"
                f"请于{_cn_date(deadline)}前报送，并在本督办事项中答复。"
            ),
            today=today,
            deadline=deadline,
        )
    return order, len(_agency_recipients(agency.pk))
