"""Celery tasks of the agencies app: email delivery with retries, the supervision summary (DESIGN §4)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from xiqing_credit.schedule import day_or_today

from .models import EmailDelivery
from .notifications import email_deliveries_requeue_stale, email_delivery_fail, email_delivery_send, retry_countdown
from .summaries import supervision_summary_send


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_email(self, delivery_id: int) -> str:
    """Send one recorded email; retry with exponential backoff, then record the failure.

    The number of retries is ``EMAIL_MAX_RETRIES``; a delivery already sent is never sent again.
    """
    delivery = EmailDelivery.objects.filter(pk=delivery_id).first()
    if delivery is None or delivery.status != EmailDelivery.Status.PENDING:
        return "skipped"
    try:
        email_delivery_send(delivery=delivery)
    except Exception as error:
        if self.request.retries < settings.EMAIL_MAX_RETRIES:
            if self.request.is_eager:
                # In-process (no broker): nothing could run a delayed retry, so retry at once.
                return self.apply(args=[delivery_id], retries=self.request.retries + 1).get()
            raise self.retry(countdown=retry_countdown(self.request.retries)) from error
        email_delivery_fail(delivery=delivery, error=delivery.last_error or str(error))
        return "failed"
    return "sent"


@shared_task
def requeue_stale_emails() -> int:
    """Queue again pending emails that never reached a worker (e.g. the broker was down)."""
    return email_deliveries_requeue_stale()


@shared_task(acks_late=True)
def send_supervision_summary(today: str | None = None) -> str:
    """Daily: on the summary day, send last month's supervision summary to the office, once."""
    return str(supervision_summary_send(today=day_or_today(today)))
