"""Telling staff something: in-portal notifications and emails that are never lost silently.

Every scheduled job (DESIGN §4) and every other app sends through ``messages_send``: one
notification per user in the portal, and one ``EmailDelivery`` row per address, handed to a
Celery task after the transaction commits. The task retries with exponential backoff; a final
failure is recorded and the office is told in the portal.
"""

from __future__ import annotations

import datetime
import logging
import mimetypes
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import EmailDelivery, Notification, User
from .permissions import can_manage_email_deliveries

logger = logging.getLogger(__name__)

NO_ADDRESS_ERROR = "没有收件地址：接收人和所属单位都未设置邮箱。"
NO_RECIPIENT_ERROR = "没有收件人：该单位没有可用的填报员账号，也未设置单位邮箱。"


@dataclass(frozen=True)
class Outgoing:
    """One message to a group of users, such as the reporters of one agency.

    When none of the recipients has an email address, the email goes to ``fallback_email`` (the
    agency's contact address); when that is empty too, a failed delivery records the gap.
    """

    recipients: Sequence[User]
    title: str
    body: str
    link: str = ""
    html_body: str = ""
    fallback_email: str = ""
    attachment: str = ""  # a name in the default storage, e.g. a stored supervision summary
    attachment_name: str = ""
    notify_in_portal: bool = True
    send_email: bool = True


@dataclass
class SendResult:
    notifications: int = 0
    emails: int = 0
    undeliverable: int = 0
    email_ids: list[int] = field(default_factory=list)


def office_reviewers() -> list[User]:
    """The active office reviewers (区文明办审核员): they receive escalations and summaries."""
    return list(User.objects.filter(role=User.Role.OFFICE, is_active=True).order_by("username"))


def absolute_link(link: str) -> str:
    return f"{settings.PORTAL_URL.rstrip('/')}{link}" if link else settings.PORTAL_URL


def _email_text(message: Outgoing) -> str:
    footer = f"\n\n{absolute_link(message.link)}\n（本邮件由西青区诚信建设平台自动发送）"
    return f"{message.body}{footer}"


def messages_send(*, messages: Iterable[Outgoing]) -> SendResult:
    """Write the notifications and email deliveries of many messages in two inserts.

    The emails are queued once the surrounding transaction commits, one task per address, so a
    rolled-back job sends nothing. The query count does not depend on the number of messages.
    """
    notifications: list[Notification] = []
    deliveries: list[EmailDelivery] = []
    for message in messages:
        if message.notify_in_portal:
            for user in message.recipients:
                notifications.append(
                    Notification(recipient=user, title=message.title, body=message.body, link=message.link)
                )
        if message.send_email:
            deliveries.extend(_deliveries_for(message))
    for item in (*notifications, *deliveries):
        # Foreign keys are known to exist; checking each would cost a query per row.
        item.full_clean(exclude=["recipient"], validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        Notification.objects.bulk_create(notifications)
        EmailDelivery.objects.bulk_create(deliveries)
    pending = [d.pk for d in deliveries if d.status == EmailDelivery.Status.PENDING]
    if pending:
        transaction.on_commit(lambda: enqueue_emails(pending))
    return SendResult(
        notifications=len(notifications),
        emails=len(pending),
        undeliverable=len(deliveries) - len(pending),
        email_ids=pending,
    )


def _deliveries_for(message: Outgoing) -> list[EmailDelivery]:
    common = {
        "subject": message.title[:200],
        "body": _email_text(message),
        "html_body": message.html_body,
        "attachment": message.attachment,
        "attachment_name": message.attachment_name,
    }
    seen: set[str] = set()
    result = []
    for user in message.recipients:
        address = (user.email or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            result.append(EmailDelivery(recipient=user, to=address, **common))
    if not result and message.fallback_email:
        result.append(EmailDelivery(to=message.fallback_email, **common))
    if not result:
        failed = {"to": "", "status": EmailDelivery.Status.FAILED, **common}
        result = [EmailDelivery(recipient=user, last_error=NO_ADDRESS_ERROR, **failed) for user in message.recipients]
        result = result or [EmailDelivery(last_error=NO_RECIPIENT_ERROR, **failed)]
    return result


def enqueue_emails(delivery_ids: Iterable[int]) -> None:
    """Hand deliveries to the Celery worker; if the broker is down, the stale-email job retries."""
    from .tasks import deliver_email

    for delivery_id in delivery_ids:
        try:
            deliver_email.delay(delivery_id)
        except Exception:
            logger.exception("email delivery %s could not be queued; requeue_stale_emails will retry", delivery_id)


def retry_countdown(retries: int) -> int:
    """Seconds before retry number ``retries + 1``: exponential backoff (60, 120, 240 …)."""
    return settings.EMAIL_RETRY_BACKOFF_SECONDS * 2**retries


def email_delivery_send(*, delivery: EmailDelivery) -> None:
    """Hand one email to the mail server and record the attempt; raises when the server refuses."""
    if delivery.status == EmailDelivery.Status.SENT:
        return
    email = EmailMultiAlternatives(subject=delivery.subject, body=delivery.body, to=[delivery.to])
    if delivery.html_body:
        email.attach_alternative(delivery.html_body, "text/html")
    delivery.attempts += 1
    try:
        if delivery.attachment:
            with delivery.attachment.open("rb") as handle:
                content = handle.read()
            name = delivery.attachment_name or delivery.attachment.name.rsplit("/", 1)[-1]
            email.attach(name, content, mimetypes.guess_type(name)[0] or "application/octet-stream")
        email.send(fail_silently=False)
    except Exception as error:
        delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        delivery.save(update_fields=["attempts", "last_error", "updated_at"])
        raise
    delivery.status = EmailDelivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["attempts", "status", "sent_at", "last_error", "updated_at"])


@transaction.atomic
def email_delivery_fail(*, delivery: EmailDelivery, error: str) -> None:
    """Record that an email failed for good and tell the office in the portal."""
    delivery.status = EmailDelivery.Status.FAILED
    delivery.last_error = error[:2000]
    delivery.save(update_fields=["status", "last_error", "updated_at"])
    logger.error("email delivery %s to %s failed after %s attempts", delivery.pk, delivery.to, delivery.attempts)
    messages_send(
        messages=[
            Outgoing(
                recipients=office_reviewers(),
                title=f"邮件发送失败：{delivery.subject}"[:200],
                body=f"发往 {delivery.to} 的邮件在 {delivery.attempts} 次尝试后仍未送达。\n错误：{delivery.last_error}",
                link=reverse("agencies:email_deliveries"),
                send_email=False,
            )
        ]
    )


def email_delivery_retry(*, actor: User, delivery: EmailDelivery) -> EmailDelivery:
    """The office sends a failed email again; an address added since then is used."""
    if not can_manage_email_deliveries(actor):
        raise PermissionDenied
    if delivery.status != EmailDelivery.Status.FAILED:
        raise ValidationError("只有发送失败的邮件可以重新发送。")
    if not delivery.to and delivery.recipient and delivery.recipient.email:
        delivery.to = delivery.recipient.email
    if not delivery.to:
        raise ValidationError("该邮件没有收件地址，请先在管理后台为接收人或单位设置邮箱。")
    delivery.status = EmailDelivery.Status.PENDING
    delivery.last_error = ""
    with transaction.atomic():
        delivery.full_clean(exclude=["recipient"])
        delivery.save(update_fields=["to", "status", "last_error", "updated_at"])
        transaction.on_commit(lambda: enqueue_emails([delivery.pk]))
    return delivery


def email_deliveries_requeue_stale(*, now=None) -> int:
    """Queue again the pending emails no worker has touched for a while (broker was down)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.EMAIL_STALE_AFTER_MINUTES)
    with transaction.atomic():
        stale = list(
            EmailDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=EmailDelivery.Status.PENDING, updated_at__lt=cutoff)
            .values_list("pk", flat=True)
        )
        EmailDelivery.objects.filter(pk__in=stale).update(updated_at=now)
        transaction.on_commit(lambda: enqueue_emails(stale))
    return len(stale)


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    return Notification.objects.visible_to(actor).unread().update(read_at=timezone.now())
