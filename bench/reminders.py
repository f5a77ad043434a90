"""Benchmark of the reminder job: 10,000 owed reports in one run, then the same day again.

    .venv/bin/python bench/reminders.py [--agencies 200] [--campaigns 50]

Creates (drops first) the PostgreSQL database ``xc_bench_reminders`` (override with
BENCH_DATABASE_URL), 200 agencies leading 50 campaigns = 10,000 (campaign, agency) cells for
May 2025, half with a draft report row and half never opened, one reporter with an email address
per agency and one office reviewer. It runs ``reminders_send`` on 6 June 2025 (every report one
day overdue) and prints the seconds and SQL queries of the job, and of the email tasks it queues
(run in-process, locmem email backend), then runs it again the same day (nothing is sent twice).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/xc_bench_reminders"


def recreate_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        dbname="postgres", user=parts.username, password=parts.password, host=parts.hostname, port=parts.port
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--campaigns", type=int, default=50)
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    recreate_database(url)
    os.environ.update(
        {
            "DATABASE_URL": url,
            "REDIS_URL": "",
            "EMAIL_URL": "memorymail://",
            "LOG_LEVEL": "WARNING",
            "REMINDER_START_MONTH": "2025-05",
            "REMINDER_LOOKBACK_MONTHS": "1",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiqing_credit.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from agencies.models import Agency, EmailDelivery, User
    from campaigns.models import Campaign, CampaignLead
    from reports.models import Report, SentReminder, due_date_for
    from reports.reminders import reminders_send

    call_command("migrate", verbosity=0)
    office = Agency.objects.create(name="区文明办", kind=Agency.Kind.OFFICE)
    User.objects.create(username="office", role=User.Role.OFFICE, agency=office, email="office@bench.example")
    agencies = Agency.objects.bulk_create(
        Agency(name=f"基准单位{i:04d}", order=1000 + i, email=f"unit{i}@bench.example") for i in range(args.agencies)
    )
    User.objects.bulk_create(
        User(username=f"reporter{a.pk}", agency=a, role=User.Role.REPORTER, email=f"r{a.pk}@bench.example")
        for a in agencies
    )
    campaigns = Campaign.objects.bulk_create(
        Campaign(number=1000 + i, code=f"B.{i}", section="bench", title=f"基准专项{i}", text="bench")
        for i in range(args.campaigns)
    )
    CampaignLead.objects.bulk_create(
        CampaignLead(campaign=c, agency=a, position=n) for c in campaigns for n, a in enumerate(agencies)
    )
    may = datetime.date(2025, 5, 1)
    cells = [(c, a) for c in campaigns for a in agencies]
    Report.objects.bulk_create(
        Report(campaign=c, agency=a, month=may, due_date=due_date_for(may), status=Report.Status.DRAFT)
        for c, a in cells[::2]
    )
    today = datetime.date(2025, 6, 6)
    print(f"owed reports: {len(cells)} ({len(cells[::2])} drafts, {len(cells) - len(cells[::2])} never opened)")

    for label in ("first run", "same day again"):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as everything, transaction.atomic():
            # The email tasks run when this block commits, outside the job's own count.
            with CaptureQueriesContext(connection) as job:
                result = reminders_send(today=today)
            job_seconds = time.perf_counter() - started
        total_seconds = time.perf_counter() - started
        print(
            f"{label}: {result}\n"
            f"  job: {job_seconds:.2f} s, {len(job)} queries; "
            f"email tasks after commit: {total_seconds - job_seconds:.2f} s, {len(everything) - len(job)} queries"
        )
    sent = EmailDelivery.objects.filter(status=EmailDelivery.Status.SENT).count()
    print(f"reminder rows: {SentReminder.objects.count()}, emails sent: {sent}")
    print("command: .venv/bin/python bench/reminders.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
