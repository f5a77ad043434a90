"""Celery tasks of the reports app: thin wrappers that call a service (DESIGN §4)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from xiqing_credit.schedule import day_or_today

from .reminders import reminders_send


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def send_reminders(today: str | None = None) -> str:
    """Daily: remind agencies of owed monthly reports (section 七.3); a retry never sends twice."""
    return str(reminders_send(today=day_or_today(today)))
