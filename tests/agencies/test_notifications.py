"""In-portal notifications and email deliveries that are retried, recorded and never lost silently."""

import datetime
import socket

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import EmailDelivery, Notification
from agencies.notifications import (
    NO_ADDRESS_ERROR,
    NO_RECIPIENT_ERROR,
    Outgoing,
    email_deliveries_requeue_stale,
    messages_send,
    retry_countdown,
)
from agencies.tasks import deliver_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    """A local TCP port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unreachable_smtp():
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=_closed_port(),
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=5,
    )


def test_message_reaches_every_recipient_in_portal_and_by_email(reporter, agency, django_capture_on_commit_callbacks):
    """Each recipient gets a notification; each address gets one email with the portal link."""
    reporter.email = "rs1@xiqing.example"
    reporter.save()
    colleague = UserFactory(agency=agency, username="reporter2", email="RS1@xiqing.example")
    with django_capture_on_commit_callbacks(execute=True):
        result = messages_send(
            messages=[Outgoing(recipients=[reporter, colleague], title="提醒", body="请填报。", link="/reports/")]
        )
    assert (result.notifications, result.emails, result.undeliverable) == (2, 1, 0)
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["reporter1", "reporter2"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rs1@xiqing.example"]
    assert mail.outbox[0].subject == "提醒"
    assert "请填报。\n\nhttp://127.0.0.1:8000/reports/" in mail.outbox[0].body
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("sent", 1)


def test_agency_address_is_used_when_no_reporter_has_one(reporter, django_capture_on_commit_callbacks):
    """Without a reporter address the email goes to the agency's contact address."""
    with django_capture_on_commit_callbacks(execute=True):
        messages_send(
            messages=[Outgoing(recipients=[reporter], title="提醒", body="b", fallback_email="rs@xq.example")]
        )
    assert [m.to for m in mail.outbox] == [["rs@xq.example"]]


def test_message_without_any_address_is_recorded_as_failed(reporter):
    """No address at all: the notification still arrives and the gap is a failed delivery."""
    result = messages_send(messages=[Outgoing(recipients=[reporter], title="提醒", body="b")])
    assert result.undeliverable == 1
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.to, delivery.recipient, delivery.last_error) == (
        "failed",
        "",
        reporter,
        NO_ADDRESS_ERROR,
    )
    assert Notification.objects.get().recipient == reporter


def test_message_to_nobody_is_recorded_as_failed(db):
    """An agency without reporter accounts or address: the office sees who was not reached."""
    messages_send(messages=[Outgoing(recipients=[], title="提醒", body="区统计局：请填报。")])
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.recipient, delivery.last_error) == ("failed", None, NO_RECIPIENT_ERROR)
    assert delivery.body.startswith("区统计局：请填报。")


def test_link_must_stay_on_the_portal(reporter):
    """A notification link to another site is refused before anything is written."""
    with pytest.raises(ValidationError, match="链接必须是本站路径"):
        messages_send(messages=[Outgoing(recipients=[reporter], title="t", body="b", link="https://evil.example/")])
    assert not Notification.objects.exists()


def test_backoff_doubles_each_retry():
    """Retries wait 60, 120, 240, 480 seconds: exponential backoff from EMAIL_RETRY_BACKOFF_SECONDS."""
    assert [retry_countdown(n) for n in range(4)] == [60, 120, 240, 480]


@override_settings(EMAIL_MAX_RETRIES=3)
def test_unreachable_mail_server_is_retried_then_recorded_and_office_told(
    reporter, office_user, django_capture_on_commit_callbacks
):
    """A refused connection is retried EMAIL_MAX_RETRIES times, then recorded and shown to the office."""
    reporter.email = "rs1@xiqing.example"
    reporter.save()
    with _unreachable_smtp(), django_capture_on_commit_callbacks(execute=True):
        messages_send(messages=[Outgoing(recipients=[reporter], title="逾期提醒", body="b", notify_in_portal=False)])
    delivery = EmailDelivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.attempts == 4
    assert delivery.last_error.startswith("ConnectionRefusedError")
    told = Notification.objects.get(recipient=office_user)
    assert told.title == "邮件发送失败：逾期提醒"
    assert "发往 rs1@xiqing.example 的邮件在 4 次尝试后仍未送达。" in told.body
    assert told.link == reverse("agencies:email_deliveries")


class FlakyBackend:
    """An email backend whose server refuses the first two messages, then accepts (locmem)."""

    calls = 0

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.inner = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls <= 2:
            raise ConnectionResetError("server busy")
        return self.inner.send_messages(messages)


@override_settings(EMAIL_BACKEND="tests.agencies.test_notifications.FlakyBackend")
def test_temporary_failure_is_retried_until_sent(reporter, django_capture_on_commit_callbacks):
    """Two refusals and then success: the email is sent once and the record says three attempts."""
    FlakyBackend.calls = 0
    reporter.email = "rs1@xiqing.example"
    reporter.save()
    with django_capture_on_commit_callbacks(execute=True):
        messages_send(messages=[Outgoing(recipients=[reporter], title="t", body="b")])
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, "")
    assert len(mail.outbox) == 1


def test_sent_email_is_not_sent_again_by_a_repeated_task(reporter, django_capture_on_commit_callbacks):
    """A task delivered twice (a worker retry) sends the email once."""
    reporter.email = "rs1@xiqing.example"
    reporter.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = messages_send(messages=[Outgoing(recipients=[reporter], title="t", body="b")])
    assert deliver_email.delay(result.email_ids[0]).get() == "skipped"
    assert len(mail.outbox) == 1


def test_stale_pending_email_is_queued_again(reporter, django_capture_on_commit_callbacks):
    """An email whose task never reached a worker is sent by the hourly requeue job."""
    delivery = EmailDelivery.objects.create(recipient=reporter, to="rs1@xiqing.example", subject="s", body="b")
    later = timezone.now() + datetime.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert email_deliveries_requeue_stale(now=later) == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert email_deliveries_requeue_stale(now=later) == 0


# --- pages ----------------------------------------------------------------------------------


def _notify(user, count=1, link="/reports/"):
    messages_send(
        messages=[
            Outgoing(recipients=[user], title=f"提醒{i}", body=f"第{i}条", link=link, send_email=False)
            for i in range(count)
        ]
    )


def test_header_shows_unread_count(reporter_client, reporter):
    """The bell in the header shows how many notifications are unread."""
    _notify(reporter, 3)
    html = reporter_client.get(reverse("campaigns:list")).content.decode()
    assert 'data-unread="3">3<span class="visually-hidden"> 条未读</span>' in html
    # Twice: on the bell, and on the menu button a phone shows while the menu is collapsed.
    assert html.count('data-unread="3">3<span class="visually-hidden"> 条未读</span>') == 2


def test_header_count_costs_one_query(reporter_client, reporter):
    """The bell adds exactly one COUNT to a page, with one notification or many."""
    reporter_client.get(reverse("campaigns:list"))
    counts = []
    for more in (1, 40):
        _notify(reporter, more)
        with CaptureQueriesContext(connection) as queries:
            reporter_client.get(reverse("campaigns:list"))
        about_notifications = [q["sql"] for q in queries.captured_queries if "agencies_notification" in q["sql"]]
        assert len(about_notifications) == 1
        assert about_notifications[0].startswith('SELECT COUNT(*) AS "__count" FROM "agencies_notification"')
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_notification_list_shows_only_own_notifications(reporter_client, reporter, office_user):
    """A user's list holds their own notifications, newest first, and none of anyone else's."""
    _notify(reporter, 2)
    _notify(office_user, 1)
    Notification.objects.filter(recipient=office_user).update(title="别人的通知")
    response = reporter_client.get(reverse("agencies:notifications"))
    assert response.status_code == 200
    html = response.content.decode()
    assert [n.title for n in response.context["page"]] == ["提醒1", "提醒0"]
    assert "别人的通知" not in html
    assert "邮件发送记录" not in html


def test_notification_list_query_count(reporter_client, reporter, django_assert_num_queries):
    """The notification list runs the same number of queries with 1 or 30 notifications."""
    _notify(reporter, 1)
    # session, user, page count, header count, agency in header, rows, session save (3)
    with django_assert_num_queries(9):
        reporter_client.get(reverse("agencies:notifications"))
    _notify(reporter, 29)
    with django_assert_num_queries(9):
        reporter_client.get(reverse("agencies:notifications"))


def test_opening_a_notification_marks_it_read_and_follows_its_link(reporter_client, reporter):
    """“前往处理” marks the notification read and goes to its page."""
    _notify(reporter, 1, link="/campaigns/8/")
    notification = Notification.objects.get()
    response = reporter_client.post(reverse("agencies:notification_read", args=[notification.pk]), {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/campaigns/8/"
    notification.refresh_from_db()
    assert notification.is_read


def test_mark_all_read(reporter_client, reporter):
    """“全部标为已读” clears the unread count."""
    _notify(reporter, 3)
    response = reporter_client.post(reverse("agencies:notification_read_all"), follow=True)
    assert "已将 3 条通知标为已读。" in response.content.decode()
    assert not Notification.objects.unread().exists()
    assert "data-unread" not in response.content.decode()


def test_someone_elses_notification_is_404(reporter_client, office_user):
    """A user cannot mark another user's notification read."""
    _notify(office_user, 1)
    notification = Notification.objects.get()
    response = reporter_client.post(reverse("agencies:notification_read", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


def test_notification_pages_need_login(client):
    """Anonymous visitors are sent to the login page."""
    response = client.get(reverse("agencies:notifications"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_mark_read_needs_post(reporter_client, reporter):
    """Marking read is a POST; a GET answers 405."""
    _notify(reporter, 1)
    notification = Notification.objects.get()
    assert reporter_client.get(reverse("agencies:notification_read", args=[notification.pk])).status_code == 405


def test_office_sees_failed_emails_and_sends_again(office_client, reporter, django_capture_on_commit_callbacks):
    """The office sees a failed email with its error and sends it again once the address is set."""
    messages_send(messages=[Outgoing(recipients=[reporter], title="逾期提醒", body="b", notify_in_portal=False)])
    delivery = EmailDelivery.objects.get()
    page = office_client.get(reverse("agencies:email_deliveries")).content.decode()
    assert "逾期提醒" in page
    assert NO_ADDRESS_ERROR in page
    response = office_client.post(reverse("agencies:email_delivery_retry", args=[delivery.pk]), follow=True)
    assert "该邮件没有收件地址，请先在管理后台为接收人或单位设置邮箱。" in response.content.decode()
    reporter.email = "rs1@xiqing.example"
    reporter.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(reverse("agencies:email_delivery_retry", args=[delivery.pk]), follow=True)
    assert "已重新发送给 rs1@xiqing.example 的邮件。" in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.to) == ("sent", "rs1@xiqing.example")
    assert [m.to for m in mail.outbox] == [["rs1@xiqing.example"]]


def test_office_notification_page_counts_failed_emails(office_client, reporter):
    """The office's notification page links to the email log with the number of failures."""
    messages_send(messages=[Outgoing(recipients=[reporter], title="t", body="b", notify_in_portal=False)])
    html = office_client.get(reverse("agencies:notifications")).content.decode()
    assert "1 封发送失败" in html


def test_email_log_query_count(office_client, reporter, django_assert_num_queries):
    """The email log runs the same number of queries with 1 or 20 failures."""
    messages_send(messages=[Outgoing(recipients=[reporter], title="t", body="b", notify_in_portal=False)])
    with django_assert_num_queries(9):
        office_client.get(reverse("agencies:email_deliveries"))
    messages_send(messages=[Outgoing(recipients=[reporter], title="t", body="b", notify_in_portal=False)] * 19)
    with django_assert_num_queries(9):
        office_client.get(reverse("agencies:email_deliveries"))


def test_reporter_cannot_see_or_resend_emails(reporter_client, reporter):
    """The email log and resending are the office's: a reporter gets 403."""
    messages_send(messages=[Outgoing(recipients=[reporter], title="t", body="b", notify_in_portal=False)])
    delivery = EmailDelivery.objects.get()
    assert reporter_client.get(reverse("agencies:email_deliveries")).status_code == 403
    assert reporter_client.post(reverse("agencies:email_delivery_retry", args=[delivery.pk])).status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == "failed"
