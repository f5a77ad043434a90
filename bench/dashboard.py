"""Benchmark: the office dashboard with 36 months of reports for every (campaign, lead agency).

Builds its own PostgreSQL database (default ``xc_bench``, dropped and re-created), loads the plan,
creates ``--months`` months of reports for every owed (campaign, lead) pair in a realistic mix of
states plus a few hundred supervision orders, then renders ``/dashboard/`` ``--renders`` times
through Django's test client with the production settings (DEBUG off, persistent connections)
and prints milliseconds per render (median, p95), the SQL query count and the command.

    .venv/bin/python bench/dashboard.py [--months 36] [--renders 50] [--database xc_bench]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--months", type=int, default=36, help="months of reports (default 36)")
    parser.add_argument("--renders", type=int, default=50, help="timed renders (default 50)")
    parser.add_argument("--database", default="xc_bench", help="PostgreSQL database to (re)create")
    parser.add_argument("--host", default="127.0.0.1:5432", help="PostgreSQL host:port, user postgres")
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args()
    if not args.database.startswith("xc_bench"):
        parser.error("--database must start with xc_bench: this script drops and re-creates it")
    return args


def recreate_database(args: argparse.Namespace) -> None:
    import psycopg2

    host, port = args.host.split(":")
    admin = psycopg2.connect(host=host, port=port, user="postgres", dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        cursor.execute(
            f"CREATE DATABASE \"{args.database}\" TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    admin.close()


def configure(args: argparse.Namespace, static_root: str) -> None:
    """Production settings: DEBUG off, persistent connections, collected static files."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "xiqing_credit.settings",
            "DATABASE_URL": f"postgres://postgres@{args.host}/{args.database}",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
            "ID_ENCRYPTION_KEY": "ZGV2LW9ubHkta2V5LWZvci14aXFpbmctY3JlZGl0ISE=",
            "ID_HASH_KEY": "bench-only",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "STATIC_ROOT": static_root,
            "LOG_LEVEL": "WARNING",
            "REDIS_URL": "",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def month_back(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def build_data(args: argparse.Namespace):
    """Reports for every owed (campaign, lead) and month, and supervision orders; returns the office user."""
    from django.core.management import call_command
    from django.utils import timezone

    from agencies.models import Agency, SupervisionOrder, User
    from agencies.selectors import default_month, owed_leads
    from reports.models import Report, due_date_for

    call_command("migrate", verbosity=0)
    call_command("load_plan", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", verbosity=0, interactive=False)
    rng = random.Random(args.seed)
    office = User.objects.create_user(
        "bench-office", agency=Agency.objects.office(), role=User.Role.OFFICE, password=None
    )
    links = list(owed_leads().values_list("campaign_id", "agency_id"))
    today = timezone.localdate()
    last = default_month(today)
    tz = timezone.get_current_timezone()
    reports = []
    for offset in range(args.months):
        month = month_back(last, offset)
        due = due_date_for(month)
        for campaign_id, agency_id in links:
            roll = rng.random()
            if roll < 0.06:
                continue  # never opened
            status = (
                "draft" if roll < 0.10 else "returned" if roll < 0.18 else "submitted" if roll < 0.30 else "accepted"
            )
            submitted_at = None
            if status != "draft":
                day = due + datetime.timedelta(days=rng.randint(-6, 3))
                submitted_at = datetime.datetime(day.year, day.month, day.day, rng.randint(8, 23), tzinfo=tz)
            reports.append(
                Report(
                    campaign_id=campaign_id,
                    agency_id=agency_id,
                    month=month,
                    due_date=due,
                    status=status,
                    submitted_at=submitted_at,
                    last_submitted_at=submitted_at,
                    work_done="基准测试数据",
                )
            )
    Report.objects.bulk_create(reports, batch_size=2000)
    orders = []
    kinds = list(SupervisionOrder.Kind.values)
    for _ in range(10 * args.months):
        campaign_id, agency_id = rng.choice(links)
        issued = today - datetime.timedelta(days=rng.randint(0, 30 * args.months))
        kind = rng.choice(kinds)
        closed = rng.random() < 0.7 or kind in ("criticism", "commendation")
        orders.append(
            SupervisionOrder(
                agency_id=agency_id,
                campaign_id=campaign_id,
                kind=kind,
                status="closed" if closed else rng.choice(["open", "answered", "returned"]),
                title="基准测试督办事项",
                content="基准测试",
                issued_on=issued,
                deadline=issued + datetime.timedelta(days=rng.randint(3, 30)),
                interview_date=issued if kind == "interview" else None,
                interviewee="负责人" if kind == "interview" else "",
                issued_by=office,
                closed_at=timezone.now() if closed else None,
                report_month=month_back(last, rng.randint(0, args.months - 1)),
            )
        )
    SupervisionOrder.objects.bulk_create(orders, batch_size=2000)
    return office, len(links), len(reports), len(orders)


def measure(office, path: str, renders: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(office)
    for _ in range(3):  # warm-up: template loader cache, persistent connection
        assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    query_count = len(queries)  # read now: the next request resets the connection's query log
    timings = []
    for _ in range(renders):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return timings, query_count


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    args = parse_args()
    command = " ".join([".venv/bin/python", "bench/dashboard.py", *map(shlex.quote, sys.argv[1:])])
    recreate_database(args)
    with tempfile.TemporaryDirectory(prefix="xc_bench_static_") as static_root:
        configure(args, static_root)
        started = time.perf_counter()
        office, links, reports, orders = build_data(args)
        built = time.perf_counter() - started
        print(f"data: {args.months} months × {links} (campaign, lead) pairs → {reports} reports, {orders} orders")
        print(f"      built in {built:.1f} s in PostgreSQL database {args.database}")
        for label, path in (("dashboard page", "/dashboard/"), ("dashboard API ", "/api/v1/dashboard/")):
            timings, queries = measure(office, path, args.renders)
            print(
                f"{label} {path:<20} renders={len(timings)}  median={statistics.median(timings):.1f} ms  "
                f"p95={p95(timings):.1f} ms  min={min(timings):.1f} ms  SQL queries={queries}"
            )
    print(f"command: {command}")


if __name__ == "__main__":
    main()
