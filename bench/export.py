"""Benchmark: the Excel export of list entries and the Excel import of list entries (issue 9 §3).

Builds its own PostgreSQL database (default ``xc_bench_export``, dropped and re-created), loads the
plan and bulk-creates ``--rows`` list entries (half natural persons, half organisations, every status).
Then, each measurement in a fresh Python subprocess (so peak RSS belongs to that measurement alone):

* ``portal``: the export's real code path, as ``blacklist/views.py: entry_export`` runs it —
  ``selectors.entries_for_export(office, {})`` (``permissions.entries_visible_to`` →
  ``ListEntryFilterSet``) → ``blacklist/excel.py: export_rows`` (``values_list`` through joins,
  ``.iterator(chunk_size=2000)``) → ``entries_workbook`` → ``workbook_bytes``;
* ``floor``: bare openpyxl write-only mode writing the same number of rows × 20 cells of the same
  kinds of values (generated in memory, no database, no Django) to a BytesIO;
* ``task`` (with ``--task``): the background export job, ``services.list_export_run``, which
  ``/list/export.xlsx`` hands exports over ``LIST_EXPORT_BACKGROUND_ROWS`` to;

``portal`` at each size in ``--steps`` and ``--rows`` (memory must stay flat as rows grow), ``floor``
at ``--rows``, printing wall and CPU seconds, peak RSS (VmHWM), its growth over the process's RSS
just before the work, the file size and the portal/floor ratios.
Finally ``--import-rows`` rows are imported and validated through the real import service
(``services.list_import_create`` + ``services.list_import_run``, as the ``import_list_entries``
command and the Celery task do), in a fresh subprocess: seconds and peak memory.

    .venv/bin/python bench/export.py [--rows 100000] [--steps 25000,50000] [--import-rows 10000]
                                     [--repeat 1] [--task] [--database xc_bench_export] [--keep] [--reuse]
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import shlex
import subprocess  # nosec B404 - runs this same script as a child
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CELLS_PER_ROW = 20
REASON = "拖欠农民工工资经责令限期支付逾期未支付，情节较重，依法列入失信联合惩戒对象名单"
BASIS = "《保障农民工工资支付条例》第五十六条；《天津市社会信用条例》第三十条"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="entries in the database and largest export")
    parser.add_argument("--steps", default="25000,50000", help="smaller export sizes, comma-separated")
    parser.add_argument("--import-rows", type=int, default=10_000, help="rows imported and validated (0: skip)")
    parser.add_argument("--database", default="xc_bench_export", help="PostgreSQL database to (re)create")
    parser.add_argument("--host", default="127.0.0.1:5432", help="PostgreSQL host:port, user postgres")
    parser.add_argument("--repeat", type=int, default=1, help="runs per export measurement; the fastest counts")
    parser.add_argument("--task", action="store_true", help="also time the background export task")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a database kept by --keep that holds --rows entries"
    )
    parser.add_argument("--child", choices=["portal", "floor", "task", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--media", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.database.startswith("xc_bench"):
        parser.error("--database must start with xc_bench: this script drops and re-creates it")
    return args


def admin_execute(args: argparse.Namespace, *statements: str) -> None:
    import psycopg2

    host, port = args.host.split(":")
    admin = psycopg2.connect(host=host, port=port, user="postgres", dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    admin.close()


def entry_count(args: argparse.Namespace) -> int:
    """Entries not written by an import in the database, or -1 when it does not exist."""
    import psycopg2

    host, port = args.host.split(":")
    try:
        connection = psycopg2.connect(host=host, port=port, user="postgres", dbname=args.database)
    except psycopg2.OperationalError:
        return -1
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM blacklist_listentry WHERE import_batch_id IS NULL")
            return cursor.fetchone()[0]
    except psycopg2.Error:
        return -1
    finally:
        connection.close()


def recreate_database(args: argparse.Namespace) -> None:
    admin_execute(
        args,
        f'DROP DATABASE IF EXISTS "{args.database}"',
        f"CREATE DATABASE \"{args.database}\" TEMPLATE template0 ENCODING 'UTF8' "
        "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'",
    )


def configure(args: argparse.Namespace, media_root: str) -> None:
    """Production settings: DEBUG off, persistent connections, no broker (tasks in-process)."""
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
            "MEDIA_ROOT": media_root,
            "LOG_LEVEL": "WARNING",
            "REDIS_URL": "",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- Data -------------------------------------------------------------------------------------------


def build_data(rows: int) -> None:
    """``rows`` entries on as many subjects; every status, both lists, realistic text lengths."""
    import hashlib

    from django.core.management import call_command
    from django.utils import timezone

    from agencies.models import Agency, User
    from blacklist.models import CreditSubject, ListEntry
    from blacklist.validators import make_credit_code, make_id_number, mask_id_number
    from campaigns.models import Campaign

    call_command("migrate", verbosity=0)
    call_command("load_plan", stdout=open(os.devnull, "w"))  # noqa: SIM115
    office_agency = Agency.objects.office()
    User.objects.create_user("bench-office", agency=office_agency, role=User.Role.OFFICE, password=None)
    reporter_agency = Agency.objects.get(name="区人力社保局")
    User.objects.create_user("bench-reporter", agency=reporter_agency, role=User.Role.REPORTER, password=None)
    agencies = list(Agency.objects.exclude(pk=office_agency.pk).order_by("pk"))
    campaigns = list(Campaign.objects.order_by("number"))
    subjects = []
    for i in range(rows):
        if i % 2:
            number = make_id_number(f"120111{1960 + i % 40}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}")
            subjects.append(
                CreditSubject(
                    subject_type="person",
                    name=f"基准自然人{i:06d}",
                    id_number_encrypted="bench",
                    id_number_hash=hashlib.sha256(f"bench-{i}".encode()).hexdigest(),
                    id_number_masked=mask_id_number(number),
                )
            )
        else:
            subjects.append(
                CreditSubject(
                    subject_type="legal_person",
                    name=f"天津西青基准建筑劳务有限公司{i:06d}",
                    credit_code=make_credit_code(f"91120111MA{i:07d}"),
                )
            )
    CreditSubject.objects.bulk_create(subjects, batch_size=5000)
    statuses = ["published", "published", "proposed", "expired", "removed", "repaired"]
    severities = ["minor", "general", "serious", "severe"]
    now = timezone.now()
    entries = []
    for i, subject in enumerate(subjects):
        status = statuses[i % len(statuses)]
        black = i % 3 != 0
        decided = datetime.date(2019, 1, 1) + datetime.timedelta(days=i % 2000)
        entries.append(
            ListEntry(
                list="black" if black else "red",
                subject=subject,
                campaign=campaigns[i % len(campaigns)],
                severity=severities[i % 4] if black else "",
                reason=REASON,
                basis=BASIS,
                deciding_agency=agencies[i % len(agencies)],
                decision_number=f"西青信决字〔{decided.year}〕{i:06d}号",
                decision_date=decided,
                publish_from=decided if status != "proposed" else None,
                publish_until=decided + datetime.timedelta(days=730),
                status=status,
                proposed_by_agency=agencies[i % len(agencies)],
                removed_at=now if status == "removed" else None,
                removal_reason="认定决定被依法撤销" if status == "removed" else "",
            )
        )
    ListEntry.objects.bulk_create(entries, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE blacklist_listentry")
        cursor.execute("VACUUM ANALYZE blacklist_creditsubject")


def floor_rows(size: int):
    """The same number of rows × 20 cells, the same kinds of values as the portal's export."""
    decided0 = datetime.date(2019, 1, 1)
    proposed = datetime.datetime(2026, 11, 1, 9, 30)  # noqa: DTZ001 written as a naive local time, as the export does
    for i in range(size):
        decided = decided0 + datetime.timedelta(days=i % 2000)
        person = i % 2
        yield [
            i + 1,
            "黑名单" if i % 3 else "红名单",
            "自然人" if person else "法人",
            f"基准自然人{i:06d}" if person else f"天津西青基准建筑劳务有限公司{i:06d}",
            "" if person else f"91120111MA{i:07d}X",
            f"1201111970****{i % 10000:04d}" if person else "",
            1 + i % 19,
            "一般" if i % 3 else "",
            REASON,
            BASIS,
            "区人力社保局",
            f"西青信决字〔{decided.year}〕{i:06d}号",
            decided,
            decided + datetime.timedelta(days=730),
            "已发布",
            decided,
            "区人力社保局",
            proposed,
            proposed if i % 6 == 4 else None,
            "认定决定被依法撤销" if i % 6 == 4 else "",
        ]


def import_workbook(path: Path, size: int, reporter_agency_name: str) -> None:
    """``size`` valid rows on the import template's header, deciding agency = the reporter's own."""
    from openpyxl import Workbook

    from blacklist.excel import TEMPLATE_HEADER
    from blacklist.selectors import publicity_rules
    from blacklist.validators import make_credit_code, make_id_number

    rules = publicity_rules()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名单条目")
    sheet.append(TEMPLATE_HEADER)
    severities = ["轻微", "一般", "较重", "严重"]
    severity_values = ["minor", "general", "serious", "severe"]
    for i in range(size):
        person = i % 2
        black = i % 3 != 0
        decided = datetime.date(2026, 1, 1) + datetime.timedelta(days=i % 300)
        rule = rules[("black", severity_values[i % 4]) if black else ("red", "")]
        until = rule.earliest_end(decided) if rule.is_published else None
        sheet.append(
            [
                "黑名单" if black else "红名单",
                "自然人" if person else "法人",
                f"导入自然人{i:06d}" if person else f"天津西青导入测试有限公司{i:06d}",
                "" if person else make_credit_code(f"91120111MB{i:07d}"),
                make_id_number(f"120111{1960 + i % 40}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}")
                if person
                else "",
                8,
                severities[i % 4] if black else "",
                REASON,
                BASIS,
                reporter_agency_name,
                f"西青人社罚〔2026〕{i:06d}号",
                decided,
                until,
            ]
        )
    workbook.save(path)


# --- Measurements (each in its own process) ---------------------------------------------------------


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for row in status:
            if row.startswith(field):
                return int(row.split()[1]) / 1024
    return 0.0


def rss_mb() -> float:
    return _status_mb("VmRSS:")


def peak_rss_mb() -> float:
    """Peak RSS of this process (VmHWM: unlike ru_maxrss it is not inherited from the parent across exec)."""
    return _status_mb("VmHWM:")


def child(args: argparse.Namespace) -> None:
    result: dict = {}
    cpu_started = time.process_time()
    if args.child == "floor":
        from openpyxl import Workbook

        base = rss_mb()
        started, cpu_started = time.perf_counter(), time.process_time()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("红黑名单")
        sheet.append([f"列{n}" for n in range(CELLS_PER_ROW)])
        for row in floor_rows(args.size):
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
        result["seconds"] = time.perf_counter() - started
    else:
        configure(args, args.media)
        from agencies.models import User

        if args.child == "portal":
            from blacklist.excel import entries_workbook, export_rows
            from blacklist.selectors import entries_for_export
            from xiqing_credit.excel import workbook_bytes

            office = User.objects.get(username="bench-office")
            base = rss_mb()
            started, cpu_started = time.perf_counter(), time.process_time()
            entries = entries_for_export(office, {})[: args.size]
            data = workbook_bytes(entries_workbook(export_rows(entries)))
            result["seconds"] = time.perf_counter() - started
        elif args.child == "task":
            from blacklist import services
            from blacklist.models import ListExport

            office = User.objects.get(username="bench-office")
            base = rss_mb()
            started, cpu_started = time.perf_counter(), time.process_time()
            list_export = ListExport.objects.create(created_by=office, query={})
            list_export = services.list_export_run(list_export=list_export)
            result["seconds"] = time.perf_counter() - started
            assert list_export.total_rows >= args.size, list_export.total_rows
            with list_export.file.open("rb") as handle:
                data = handle.read()
        else:  # import
            from django.core.files import File
            from django.utils import timezone

            from blacklist import services

            reporter = User.objects.select_related("agency").get(username="bench-reporter")
            path = Path(args.media) / "bench-import.xlsx"
            import_workbook(path, args.size, reporter.agency.name)
            base = rss_mb()
            started, cpu_started = time.perf_counter(), time.process_time()
            with path.open("rb") as handle:
                list_import = services.list_import_create(actor=reporter, uploaded_file=File(handle, name=path.name))
            list_import = services.list_import_run(list_import=list_import, today=timezone.localdate())
            result["seconds"] = time.perf_counter() - started
            assert list_import.status == "succeeded", (list_import.message, list_import.errors[:3])
            result["imported"] = list_import.imported_count
            data = path.read_bytes()
    result.update(bytes=len(data), base_mb=base, peak_mb=peak_rss_mb(), cpu=time.process_time() - cpu_started)
    print(json.dumps(result))


def run_child(args: argparse.Namespace, kind: str, size: int, media: str) -> dict:
    """The fastest of ``--repeat`` fresh processes (a shared machine's noise only ever adds time)."""
    runs = [_run_child(args, kind, size, media) for _ in range(max(1, args.repeat if kind != "import" else 1))]
    return min(runs, key=lambda result: result["seconds"])


def _run_child(args: argparse.Namespace, kind: str, size: int, media: str) -> dict:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        kind,
        "--size",
        str(size),
        "--database",
        args.database,
        "--host",
        args.host,
        "--media",
        media,
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)  # nosec B603
    if completed.returncode:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"{kind} {size}: failed")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def line(label: str, size: int, result: dict) -> str:
    growth = result["peak_mb"] - result["base_mb"]
    return (
        f"{label:<7} rows={size:>7}  {result['seconds']:7.2f} s (CPU {result['cpu']:6.2f} s)  "
        f"peak RSS={result['peak_mb']:6.1f} MB  growth over baseline={growth:6.1f} MB  "
        f"file={result['bytes'] / 1e6:5.1f} MB"
    )


def main() -> None:
    args = parse_args()
    if args.child:
        child(args)
        return
    command = " ".join([".venv/bin/python", "bench/export.py", *map(shlex.quote, sys.argv[1:])])
    sizes = sorted({int(step) for step in args.steps.split(",") if step.strip()} | {args.rows})
    sizes = [size for size in sizes if size <= args.rows]
    reuse = args.reuse and entry_count(args) == args.rows
    if not reuse:
        recreate_database(args)
    try:
        with tempfile.TemporaryDirectory(prefix="xc_bench_media_") as media:
            configure(args, media)
            started = time.perf_counter()
            if reuse:
                from blacklist.models import ListEntry

                ListEntry.objects.filter(import_batch__isnull=False).delete()  # a previous run's import
                print(f"data: {args.rows} list entries on {args.rows} subjects, reused (--reuse)")
            else:
                build_data(args.rows)
                built = time.perf_counter() - started
                print(f"data: {args.rows} list entries on {args.rows} subjects, built in {built:.1f} s")
            print(f"      in PostgreSQL database {args.database}; {CELLS_PER_ROW} cells per exported row")
            from django.db import connections

            connections.close_all()
            results = {}
            for size in sizes:
                for kind in ("floor", "portal") if size == args.rows else ("portal",):
                    results[kind, size] = run_child(args, kind, size, media)
                    print(line(kind, size, results[kind, size]), flush=True)
            floor, portal = results["floor", args.rows], results["portal", args.rows]
            print(
                f"        ratio portal/floor at {args.rows}: time {portal['seconds'] / floor['seconds']:.2f}  "
                f"CPU {portal['cpu'] / floor['cpu']:.2f}  "
                f"peak RSS {portal['peak_mb'] / floor['peak_mb']:.2f} (the portal's includes Django and its ORM)",
                flush=True,
            )
            growths = [results["portal", size]["peak_mb"] - results["portal", size]["base_mb"] for size in sizes]
            print(
                "memory growth of the portal export by rows: "
                + ", ".join(f"{size}: {growth:.1f} MB" for size, growth in zip(sizes, growths, strict=True))
            )
            if args.task:
                task = run_child(args, "task", args.rows, media)
                print(line("task", args.rows, task) + "  (background export: services.list_export_run)", flush=True)
            if args.import_rows:
                imported = run_child(args, "import", args.import_rows, media)
                print(
                    line("import", args.import_rows, imported)
                    + f"  imported={imported['imported']} (read + validate + write, one transaction)"
                )
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            admin_execute(args, f'DROP DATABASE IF EXISTS "{args.database}"')
    print(f"command: {command}")


if __name__ == "__main__":
    main()
