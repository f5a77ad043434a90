"""A real Celery worker consuming from the real Redis runs the jobs and the result lands in the database."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from agencies.models import Agency, EmailDelivery, Notification
from reports.models import SentReminder
from reports.tasks import send_reminders
from tests.factories import UserFactory
from xiqing_credit.celery import app

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

JOB_ENV = {
    "REMINDER_DAYS_BEFORE": "3",
    "REMINDER_OVERDUE_EVERY_DAYS": "3",
    "REMINDER_OFFICE_AFTER_DAYS": "7",
    "REMINDER_LOOKBACK_MONTHS": "3",
    "REMINDER_START_MONTH": "2025-05",
    "REPORT_DUE_DAY": "5",
}


def broker_url() -> str:
    """The Redis the worker consumes from: REDIS_URL's server, on a database no test empties.

    Other tests empty the cache's database (REDIS_URL) with cache.clear(); a message or a kombu
    binding removed that way would be lost, so the broker gets a database of its own
    (``CELERY_TEST_BROKER_URL``, default database 14 of the same server, 13 if REDIS_URL uses 14).
    """
    if os.environ.get("CELERY_TEST_BROKER_URL"):
        return os.environ["CELERY_TEST_BROKER_URL"]
    parts = urlsplit(settings.REDIS_URL)
    database = 13 if parts.path.strip("/") == "14" else 14
    return urlunsplit(parts._replace(path=f"/{database}"))


def _test_database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database, e.g. test_x_gw0)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def celery_worker(log_path: Path, **env):
    """A `celery worker --pool=solo` subprocess on a queue of its own, stopped afterwards."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    worker_env = {
        **os.environ,
        **JOB_ENV,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": broker_url(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,  # the tasks the worker queues itself stay on its queue
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **env,
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 -- our own interpreter and project
            [sys.executable, "-m", "celery", "-A", "xiqing_credit", "worker", "--pool=solo", "-Q", queue]
            + ["-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
            cwd=settings.BASE_DIR,
            env=worker_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        previous = app.conf.CELERY_TASK_ALWAYS_EAGER
        app.conf.CELERY_TASK_ALWAYS_EAGER = False  # this test sends to the real broker
        try:
            with app.connection_for_write(broker_url()) as broker:
                yield lambda task, **kwargs: task.apply_async(kwargs=kwargs, queue=queue, connection=broker)
        finally:
            app.conf.CELERY_TASK_ALWAYS_EAGER = previous
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            _forget_queue(queue)


def _forget_queue(queue: str) -> None:
    """Remove the queue's keys (its list and kombu's binding) from the shared Redis database."""
    import redis

    client = redis.Redis.from_url(broker_url())
    keys = list(client.scan_iter(match=f"*{queue}*"))
    if keys:
        client.delete(*keys)


def wait_until(condition, log_path: Path, limit: float = 90.0):
    """Poll the database until ``condition()`` holds; fail with the worker's log if it never does."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"the worker did not finish in time; its log:\n{log_path.read_text()[-4000:]}")


@pytest.fixture
def real_broker():
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL (make test sets both)")
    from campaigns.services import load_plan

    load_plan()  # transactional tests start from a flushed database


def test_worker_on_redis_sends_reminders_and_emails(real_broker, tmp_path):
    """send_reminders queued on Redis: the worker records the reminders, notifies and sends the email."""
    agency = Agency.objects.get(name="区人力社保局")
    reporter = UserFactory(agency=agency, username="rsj", email="rsj@xiqing.example")
    mail_dir = tmp_path / "mail"
    with celery_worker(tmp_path / "worker.log", EMAIL_URL=f"filemail:///{mail_dir}") as send:
        send(send_reminders, today="2025-06-06")
        wait_until(lambda: EmailDelivery.objects.filter(status="sent").exists(), tmp_path / "worker.log")
        send(send_reminders, today="2025-06-06")  # the same day again
        wait_until(lambda: "reminders sent: 0 " in (tmp_path / "worker.log").read_text(), tmp_path / "worker.log")
    assert SentReminder.objects.count() == 53
    assert set(SentReminder.objects.values_list("kind", flat=True)) == {"overdue"}
    assert Notification.objects.filter(recipient=reporter).count() == 1
    delivery = EmailDelivery.objects.get(to="rsj@xiqing.example")
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    written = "".join(path.read_text() for path in mail_dir.iterdir())
    assert "To: rsj@xiqing.example" in written
    assert "Subject: =?utf-8?" in written  # the Chinese subject, encoded


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_worker_retries_a_refused_email_through_redis_then_records_it(real_broker, tmp_path):
    """The mail server refuses: the worker retries via the broker, then records the failure for the office."""
    office = UserFactory(agency=Agency.objects.office(), role="office", username="office9")
    agency = Agency.objects.get(name="区人力社保局")
    UserFactory(agency=agency, username="rsj", email="rsj@xiqing.example")
    env = {
        "EMAIL_URL": f"smtp://127.0.0.1:{_closed_port()}",
        "EMAIL_MAX_RETRIES": "2",
        "EMAIL_RETRY_BACKOFF_SECONDS": "0",
    }
    with celery_worker(tmp_path / "worker.log", **env) as send:
        send(send_reminders, today="2025-06-06")
        wait_until(
            lambda: EmailDelivery.objects.filter(to="rsj@xiqing.example", status="failed").exists(),
            tmp_path / "worker.log",
        )
    delivery = EmailDelivery.objects.get(to="rsj@xiqing.example")
    assert delivery.attempts == 3
    assert delivery.last_error.startswith("ConnectionRefusedError")
    assert Notification.objects.filter(recipient=office, title__startswith="邮件发送失败").count() == 1
