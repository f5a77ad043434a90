"""Benchmark: the open-data files of the public lists (issue 6 §5) at 1,000,000 entries.

Uses the database that ``bench/search.py`` builds (default ``xc_bench_search``: 1,000,000 entries,
about half of them public today); it is only read here, never dropped or reloaded. Run
``manage.py migrate`` on it first when the branch adds a migration. Each measurement runs in a
fresh Python process, so its peak RSS (``VmHWM``) is its own; production settings (DEBUG off),
no broker, files under a temporary ``MEDIA_ROOT``:

* ``csv``, ``json``, ``xlsx``: ``public_exports.write_files`` writing that one format to a
  temporary file (what three separate passes would cost);
* ``all``: the job's real build, ``open_data.open_data_release_build``: one pass writing the
  three formats, then saved to the storage and recorded; also at each size in ``--steps`` (the
  entries cut to that many), so memory can be seen not to grow with the rows;
* ``serve``: one download of each built file through the whole Django stack (middleware, rate
  limit, ``open_data_file`` view, ``FileResponse``), read to the last byte by the test client,
  after one untimed download that pays for the first request's imports and connection;
* ``http`` (unless ``--no-http``): the same downloads from gunicorn (one sync worker, as
  deployed) read by ``curl`` over loopback: its ``time_total`` for each;
* ``stream`` (unless ``--no-stream``): CSV and JSON made while sent, as before the day's first
  build (and as every download was before this change).

    .venv/bin/python bench/open_data.py [--database xc_bench_search] [--steps 100000,250000]
                                        [--no-http] [--no-stream]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import subprocess  # nosec B404 - runs this same script as a child
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("csv", "json", "xlsx")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="xc_bench_search", help="PostgreSQL database built by bench/search.py")
    parser.add_argument("--host", default="127.0.0.1:5432", help="PostgreSQL host:port, user postgres")
    parser.add_argument("--steps", default="100000,250000", help="smaller builds (entries), comma-separated")
    parser.add_argument("--no-stream", action="store_true", help="skip timing CSV/JSON made while sent")
    parser.add_argument("--no-http", action="store_true", help="skip the downloads from gunicorn")
    parser.add_argument("--port", type=int, default=8198, help="gunicorn's port on 127.0.0.1")
    parser.add_argument("--child", choices=[*FORMATS, "all", "serve", "stream"], help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--media", default="", help=argparse.SUPPRESS)
    parser.add_argument("--today", default="", help=argparse.SUPPRESS)
    return parser.parse_args()


def bench_environment(args: argparse.Namespace) -> dict[str, str]:
    """Production settings: DEBUG off, no broker, a generous download rate."""
    return {
        "DJANGO_SETTINGS_MODULE": "xiqing_credit.settings",
        "DATABASE_URL": f"postgres://postgres@{args.host}/{args.database}",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "ID_ENCRYPTION_KEY": "ZGV2LW9ubHkta2V5LWZvci14aXFpbmctY3JlZGl0ISE=",
        "ID_HASH_KEY": "bench-only",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "MEDIA_ROOT": args.media,
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": "",
        "PUBLIC_DOWNLOAD_RATE": "1000/hour",
        # As with a worker: a download serves the release, or streams; nothing is built in it,
        # and a build it queues stays in the (in-memory) queue.
        "OPEN_DATA_BUILD_ON_REQUEST": "false",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    }


def configure(args: argparse.Namespace) -> None:
    os.environ.update(bench_environment(args))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for row in status:
            if row.startswith(field):
                return int(row.split()[1]) / 1024
    return 0.0


def child(args: argparse.Namespace) -> None:
    configure(args)
    from blacklist import public_exports

    today = datetime.date.fromisoformat(args.today)
    if args.size:
        # Only the first ``size`` entries, to see whether memory grows with the rows.
        entries = public_exports.open_data_entries
        public_exports.open_data_entries = lambda day: entries(day)[: args.size]
    base = _status_mb("VmRSS:")
    started, cpu_started = time.perf_counter(), time.process_time()
    result: dict = {}
    if args.child in FORMATS:
        with tempfile.TemporaryFile() as handle:
            result["entries"] = public_exports.write_files(today, {args.child: handle})
            result["bytes"] = {args.child: handle.seek(0, 2)}
    elif args.child == "all":
        from blacklist.open_data import open_data_release_build

        release = open_data_release_build(today=today)
        result["entries"] = release.entry_count
        result["bytes"] = {fmt: release.size(fmt) for fmt in FORMATS}
    else:
        from django.test import Client

        client = Client()
        if args.child == "serve":  # a first request pays for imports and the connection: not timed
            assert sum(len(chunk) for chunk in client.get("/credit/open-data/list-entries.xlsx").streaming_content)
            started, cpu_started = time.perf_counter(), time.process_time()
        result["bytes"], result["seconds_each"], result["cpu_each"] = {}, {}, {}
        for fmt in FORMATS if args.child == "serve" else ("csv", "json"):
            if args.child == "stream":
                from blacklist.models import OpenDataRelease

                OpenDataRelease.objects.filter(as_of=today).delete()  # as before the day's first build
            one, one_cpu = time.perf_counter(), time.process_time()
            response = client.get(f"/credit/open-data/list-entries.{fmt}")
            assert response.status_code == 200, (fmt, response.status_code)
            size = sum(len(chunk) for chunk in response.streaming_content)
            result["seconds_each"][fmt] = time.perf_counter() - one
            result["cpu_each"][fmt] = time.process_time() - one_cpu
            result["bytes"][fmt] = size
            expected = "FileResponse" if args.child == "serve" else "StreamingHttpResponse"
            assert type(response).__name__ == expected, type(response).__name__
    result.update(
        seconds=time.perf_counter() - started,
        cpu=time.process_time() - cpu_started,
        base_mb=base,
        peak_mb=_status_mb("VmHWM:"),
    )
    print(json.dumps(result))


def run_child(args: argparse.Namespace, kind: str, media: str, today: str, size: int = 0) -> dict:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        kind,
        "--database",
        args.database,
        "--host",
        args.host,
        "--media",
        media,
        "--today",
        today,
        "--size",
        str(size),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)  # nosec B603
    if completed.returncode:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"{kind}: failed")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def http_downloads(args: argparse.Namespace) -> dict[str, tuple[float, int]]:
    """Seconds and bytes of one download of each built file from gunicorn, read by curl."""
    env = dict(os.environ, **bench_environment(args), PYTHONPATH=str(ROOT))
    command = [str(ROOT / ".venv/bin/gunicorn"), "xiqing_credit.wsgi", "--bind", f"127.0.0.1:{args.port}"]
    server = subprocess.Popen([*command, "--workers", "1", "--log-level", "warning"], cwd=ROOT, env=env)  # nosec B603
    results = {}
    try:
        time.sleep(3)
        warm = f"http://127.0.0.1:{args.port}/credit/open-data/list-entries.xlsx"  # not timed
        subprocess.run(["curl", "-s", "-o", "/dev/null", warm], check=True)  # nosec B603 B607
        for fmt in FORMATS:
            url = f"http://127.0.0.1:{args.port}/credit/open-data/list-entries.{fmt}"
            curl = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total} %{size_download}", url]
            answer = subprocess.run(curl, capture_output=True, text=True, check=True).stdout  # nosec B603 B607
            status, seconds, size = answer.split()
            assert status == "200", (fmt, status)
            results[fmt] = (float(seconds), int(size))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def mb(size: int) -> str:
    return f"{size / 1e6:6.1f} MB"


def line(label: str, result: dict) -> str:
    sizes = "  ".join(f"{fmt} {mb(size)}" for fmt, size in result["bytes"].items())
    return (
        f"{label:<14} {result['seconds']:7.2f} s (CPU {result['cpu']:6.2f} s)  peak RSS {result['peak_mb']:6.1f} MB "
        f"(+{result['peak_mb'] - result['base_mb']:5.1f})  {sizes}"
    )


def main() -> None:
    args = parse_args()
    if args.child:
        child(args)
        return
    command = " ".join([".venv/bin/python", "bench/open_data.py", *map(shlex.quote, sys.argv[1:])])
    with tempfile.TemporaryDirectory(prefix="xc_bench_media_") as media:
        args.media = media
        configure(args)
        from django.db import connection
        from django.utils import timezone

        from blacklist.models import ListEntry
        from blacklist.permissions import public_entries

        today = timezone.localdate()
        total = ListEntry.objects.count()
        public = public_entries(today).count()
        connection.close()
        print(f"data: {total} list entries in PostgreSQL database {args.database}, {public} public on {today}")
        print("peak RSS: VmHWM of the measuring process; (+…): its growth over the RSS just before the work")
        day = today.isoformat()
        separate = {}
        for fmt in FORMATS:
            separate[fmt] = run_child(args, fmt, media, day)
            print(line(f"{fmt} alone", separate[fmt]), flush=True)
        print(
            f"{'three passes':<14} {sum(r['seconds'] for r in separate.values()):7.2f} s "
            f"(CPU {sum(r['cpu'] for r in separate.values()):6.2f} s)  (sum of the three above)",
            flush=True,
        )
        steps = sorted({int(step) for step in args.steps.split(",") if step.strip() and int(step) < public})
        for size in steps:
            print(line(f"one pass {size // 1000}k", run_child(args, "all", media, day, size)), flush=True)
        built = run_child(args, "all", media, day)
        print(line(f"one pass {built['entries'] // 1000}k", built) + "  (the job: write, store, record)", flush=True)
        served = run_child(args, "serve", media, day)
        for fmt in FORMATS:
            print(
                f"serve {fmt:<8} {served['seconds_each'][fmt]:7.2f} s (CPU {served['cpu_each'][fmt]:6.2f} s)  "
                f"{mb(served['bytes'][fmt])}  (one download of the built file, whole Django stack)",
                flush=True,
            )
        growth = served["peak_mb"] - served["base_mb"]
        print(f"{'serve (all)':<14} peak RSS {served['peak_mb']:6.1f} MB (+{growth:5.1f})")
        if not args.no_http:
            for fmt, (seconds, size) in http_downloads(args).items():
                print(
                    f"http {fmt:<9} {seconds:7.2f} s              {mb(size)}  (curl from gunicorn, 1 sync worker)",
                    flush=True,
                )
        if not args.no_stream:
            streamed = run_child(args, "stream", media, day)
            for fmt in ("csv", "json"):
                print(
                    f"stream {fmt:<7} {streamed['seconds_each'][fmt]:7.2f} s (CPU {streamed['cpu_each'][fmt]:6.2f} s)  "
                    f"{mb(streamed['bytes'][fmt])}  (made while sent: before the day's first build)",
                    flush=True,
                )
            print(
                f"{'stream (both)':<14} peak RSS {streamed['peak_mb']:6.1f} MB "
                f"(+{streamed['peak_mb'] - streamed['base_mb']:5.1f})"
            )
        # The bench's own releases leave the database as it was.
        from blacklist.models import OpenDataRelease

        OpenDataRelease.objects.all().delete()
    print(f"command: {command}")


if __name__ == "__main__":
    main()
