"""Batch screening at scale (issue 6, section 五.2): 10,000 rows against 1,000,000 entries.

    .venv/bin/python bench/screening.py            # needs the database of bench/search.py (loads it if missing)

Builds an Excel file of 10,000 rows — codes and ID numbers on the list, exact names on the list,
and as many that are not — uploads it to ``/list/screening/`` as an agency user (Django test
client, in-process, PostgreSQL) for both outputs (page and Excel), and the same rows as JSON to
``POST /api/v1/screening/``. Prints the wall time of each, the time of each step and the SQL.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import random
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_spec = importlib.util.spec_from_file_location("bench_search", Path(__file__).with_name("search.py"))
bench_search = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_search)


def build_rows(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(name, code) rows: 30% listed codes, 20% listed ID numbers, 20% listed names alone, 30% unknown."""
    from blacklist.models import CreditSubject

    persons = CreditSubject.objects.filter(subject_type="person").count()
    organisations = list(
        CreditSubject.objects.exclude(subject_type="person")
        .order_by("?")
        .values_list("name", "credit_code")[: int(count * 0.3)]
    )
    names = list(CreditSubject.objects.order_by("?").values_list("name", flat=True)[: int(count * 0.2)])
    rows = list(organisations)
    rows += [("", bench_search.id_number(rng.randint(1, persons))) for _ in range(int(count * 0.2))]
    rows += [(name, "") for name in names]
    rows += [(f"未列入{n}号单位", bench_search.credit_code(5_000_000 + n)) for n in range(count - len(rows))]
    rng.shuffle(rows)
    return rows[:count]


def xlsx_upload(rows):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名单")
    sheet.append(["名称或姓名", "统一社会信用代码或身份证号码"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("screening.xlsx", buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="xc_bench_search")
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    print("command: " + " ".join(shlex.quote(part) for part in [".venv/bin/python", *sys.argv]))
    os.environ["DATABASE_URL"] = f"{bench_search.SERVER}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiqing_credit.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from agencies.models import Agency, User
    from blacklist import screening
    from blacklist.models import ListEntry

    if not ListEntry.objects.exists():
        sys.exit("The bench database is empty: run bench/search.py first.")
    settings.ALLOWED_HOSTS = ["testserver"]
    print(f"{ListEntry.objects.count():,} entries; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    user, _ = User.objects.get_or_create(
        username="bench-screening", defaults={"agency": Agency.objects.get(name="区市场监管局"), "role": "reporter"}
    )
    rows = build_rows(args.rows, random.Random(bench_search.SEED + 2))
    client = Client()
    client.force_login(user)

    # The steps one by one, as the page runs them.
    upload = xlsx_upload(rows)
    started = time.perf_counter()
    input_rows = screening.read_upload(upload)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        result = screening.screen(input_rows, user=user, today=timezone.localdate())
    match_s = time.perf_counter() - started
    started = time.perf_counter()
    size = len(screening.excel.workbook_bytes(screening.result_workbook(result)))
    excel_s = time.perf_counter() - started
    print(
        f"\n{len(input_rows):,} rows read from .xlsx in {read_s:.2f} s; matched in {match_s:.2f} s "
        f"({len(captured.captured_queries)} SQL statements); "
        f"Excel result ({size // 1024} KB) written in {excel_s:.2f} s"
    )
    print(
        f"  hits {result.hit_count:,}, history only {result.history_count:,}, misses {result.miss_count:,}, "
        f"errors {result.error_count:,}"
    )
    for query in captured.captured_queries:
        print(f"  {float(query['time']) * 1000:8.1f} ms  {query['sql'][:150]}…")

    # End to end through the page and the API.
    timings = {}
    started = time.perf_counter()
    response = client.post("/list/screening/", {"file": xlsx_upload(rows), "output": "xlsx"})
    timings["page, upload .xlsx → Excel result"] = (time.perf_counter() - started, response.status_code)
    started = time.perf_counter()
    response = client.post("/list/screening/", {"file": xlsx_upload(rows), "output": "html"})
    timings["page, upload .xlsx → result page"] = (time.perf_counter() - started, response.status_code)
    payload = {"rows": [{"name": name, "code": code} for name, code in rows]}
    started = time.perf_counter()
    response = client.post("/api/v1/screening/", payload, content_type="application/json")
    timings["API, JSON → JSON"] = (time.perf_counter() - started, response.status_code)
    print(f"\nEnd to end, {args.rows:,} rows against {ListEntry.objects.count():,} entries (goal: under 10 s):")
    for label, (seconds, status) in timings.items():
        print(f"  {label:40} {seconds:6.2f} s  (HTTP {status})")


if __name__ == "__main__":
    main()
