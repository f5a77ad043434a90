"""Who may see and change what in the agencies app (notifications: ``Notification.objects.visible_to``)."""

from __future__ import annotations


def can_manage_email_deliveries(user) -> bool:
    """Only the office sees the email log and sends failed emails again."""
    return bool(user.is_authenticated and user.is_office)
