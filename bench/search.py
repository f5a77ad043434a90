"""Public list search at scale (issue 6): 1,000,000 entries in PostgreSQL, timings and plans.

    .venv/bin/python bench/search.py                 # load (if needed), then time every query kind
    .venv/bin/python bench/search.py --reload        # drop and rebuild the bench database first
    .venv/bin/python bench/search.py --http          # also gunicorn + wrk: searches vs /healthz

The bench database (default ``xc_bench_search``, C.UTF-8) is its own: migrations, the plan,
then subjects and entries by COPY. Every query is the one the portal runs, built by
``PublicListEntryFilterSet`` and ``search.CappedResults``; its time inside the database is
taken from EXPLAIN ANALYZE (planning + execution), and one plan per kind is printed.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = "postgres://postgres@127.0.0.1:5432"
SEED = 20180404

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁"
    "潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦"
    "邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Weights so that 王李张刘陈 are as common as they are in China (about 7% each).
SURNAME_WEIGHTS = [7.1, 7.0, 6.8, 5.4, 4.5, 3.1, 2.2, 2.1, 2.0, 1.7] + [0.6] * (len(SURNAMES) - 10)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文斌宇"
    "浩凯鹏飞志新海波丹亮林玲雪梅琳晶云峰辉鑫欣颖婷晨阳佳俊博"
)
BRAND = (
    "华鑫泰恒瑞祥盛隆达通宏远昌兴旺富源嘉和润丰聚诚信德顺利安康永益众合金鼎汇力"
    "创智航宇星辰光明正中元亨鸿运锦绣天成东方海润雅美佳禾晟煜昊璟铭鼎骏驰腾飞凯旋晖耀"
)
INDUSTRY = [
    "商贸",
    "科技",
    "建筑工程",
    "餐饮管理",
    "物流",
    "房地产开发",
    "劳务服务",
    "食品",
    "汽车销售",
    "文化传媒",
    "机械设备",
    "电子",
    "医药",
    "环保科技",
    "装饰工程",
    "农业发展",
    "物业管理",
    "信息技术",
    "教育咨询",
    "投资管理",
    "化工",
    "建材",
    "服装",
    "家具",
    "印刷",
]
REGIONS = [("天津市西青区", 25), ("天津市", 20), ("天津", 10), ("西青区", 15), ("", 20), ("北京", 5), ("河北", 5)]
SUBJECT_COLUMNS = [
    "id",
    "subject_type",
    "name",
    "credit_code",
    "id_number_encrypted",
    "id_number_hash",
    "id_number_masked",
    "created_at",
    "updated_at",
]
ENTRY_COLUMNS = [
    "id",
    "list",
    "severity",
    "reason",
    "basis",
    "decision_number",
    "decision_date",
    "publish_from",
    "publish_until",
    "status",
    "proposed_at",
    "published_at",
    "expired_at",
    "removed_at",
    "removal_reason",
    "repaired_at",
    "updated_at",
    "campaign_id",
    "deciding_agency_id",
    "proposed_by_agency_id",
    "subject_id",
]
BROAD = ["天津", "有限公司", "西青区"]
SHOPS = ["餐馆", "便利店", "五金店", "理发店", "小吃部", "超市", "水果店", "汽修部"]


# --- generating the data ------------------------------------------------------------------------


def credit_code(index: int) -> str:
    from blacklist.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

    body, n = [], index
    for _ in range(9):
        n, digit = divmod(n, 31)
        body.append(CREDIT_CODE_ALPHABET[digit])
    first17 = "91120111" + "".join(reversed(body))
    return first17 + credit_code_check_char(first17)


def id_number(index: int) -> str:
    from blacklist.validators import id_check_char

    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=index // 900)
    first17 = f"120111{birth:%Y%m%d}{index % 900 + 100:03d}"
    return first17 + id_check_char(first17)


def person_name(rng: random.Random) -> str:
    surname = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def organisation(rng: random.Random) -> tuple[str, str]:
    """(subject type, name) of a random organisation."""
    roll = rng.random()
    if roll < 0.25:
        return "individual_business", f"西青区{person_name(rng)}{rng.choice(SHOPS)}"
    region = rng.choices([r for r, _ in REGIONS], [w for _, w in REGIONS])[0]
    brand = rng.choice(BRAND) + rng.choice(BRAND)
    if roll < 0.30:
        return "other_org", f"{region}{brand}{rng.choice(['农业专业合作社', '行业协会', '培训中心'])}"
    suffix = rng.choices(["有限公司", "有限责任公司", "股份有限公司"], [70, 20, 10])[0]
    return "legal_person", f"{region}{brand}{rng.choice(INDUSTRY)}{suffix}"


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if value is None else str(value) for value in row) + "\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def load(entries: int, *, chunk: int = 100_000) -> dict:
    """Subjects (one in four a person) and ``entries`` entries, 10% on a second entry of a subject."""
    from django.db import connection

    from agencies.models import Agency
    from blacklist.crypto import encrypt_id_number, id_number_hash
    from blacklist.validators import mask_id_number
    from campaigns.models import Campaign

    rng = random.Random(SEED)
    today = datetime.date.today()
    now = datetime.datetime.now(datetime.UTC).isoformat()
    campaign_ids = list(Campaign.objects.filter(kind=Campaign.Kind.CAMPAIGN).values_list("pk", flat=True))
    agency_ids = list(Agency.objects.exclude(kind=Agency.Kind.GROUP).values_list("pk", flat=True))
    subjects = int(entries / 1.1)
    samples: dict[str, list[str]] = {"person": [], "code": [], "id": []}
    started = time.monotonic()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        person_index = org_index = 0
        for start in range(0, subjects, chunk):
            rows = []
            for subject_id in range(start + 1, min(start + chunk, subjects) + 1):
                if rng.random() < 0.25:
                    person_index += 1
                    number = id_number(person_index)
                    name = person_name(rng)
                    rows.append(
                        (subject_id, "person", name, "", encrypt_id_number(number), id_number_hash(number))
                        + (mask_id_number(number), now, now)
                    )
                    if rng.random() < 0.002:
                        samples["person"].append(name)
                        samples["id"].append(number)
                else:
                    org_index += 1
                    kind, name = organisation(rng)
                    code = credit_code(org_index)
                    rows.append((subject_id, kind, name, code, "", "", "", now, now))
                    if rng.random() < 0.0005:
                        samples["code"].append(code)
            copy_rows(
                raw,
                "blacklist_creditsubject",
                SUBJECT_COLUMNS,
                rows,
            )
            print(f"  subjects {min(start + chunk, subjects):>9,}  {time.monotonic() - started:6.1f} s", flush=True)
        for start in range(0, entries, chunk):
            rows = []
            for entry_id in range(start + 1, min(start + chunk, entries) + 1):
                subject_id = entry_id if entry_id <= subjects else rng.randint(1, subjects)
                black = rng.random() < 0.85
                severity = rng.choices(["minor", "general", "serious", "severe"], [5, 45, 30, 20])[0] if black else ""
                decided = today - datetime.timedelta(days=rng.randint(0, 1000))
                months = {"minor": 0, "general": 12, "serious": 24, "severe": 36, "": 36}[severity]
                until = decided + datetime.timedelta(days=30 * months)
                status = rng.choices(["published", "expired", "removed", "repaired", "proposed"], [78, 8, 4, 5, 5])[0]
                if status == "published" and until < today:
                    status = "expired"
                agency = rng.choice(agency_ids)
                published = status != "proposed"
                rows.append(
                    (
                        entry_id,
                        "black" if black else "red",
                        severity,
                        "未按期履行生效法律文书确定的义务" if black else "诚信经营，群众评价良好",
                        "《天津市社会信用条例》第三十条",
                        f"津西信决〔{decided.year}〕{entry_id}号",
                        decided,
                        decided if published else None,
                        until if published else None,
                        status,
                        now,
                        now if published else None,
                        now if status == "expired" else None,
                        now if status == "removed" else None,
                        "认定部门撤销决定" if status == "removed" else "",
                        now if status == "repaired" else None,
                        now,
                        rng.choice(campaign_ids),
                        agency,
                        agency,
                        subject_id,
                    )
                )
            copy_rows(raw, "blacklist_listentry", ENTRY_COLUMNS, rows)
            print(f"  entries  {min(start + chunk, entries):>9,}  {time.monotonic() - started:6.1f} s", flush=True)
        cursor.execute("SELECT setval('blacklist_creditsubject_id_seq', %s)", [subjects])
        cursor.execute("SELECT setval('blacklist_listentry_id_seq', %s)", [entries])
    samples["load_seconds"] = round(time.monotonic() - started, 1)
    return samples


# --- measuring ----------------------------------------------------------------------------------


def query_kinds(samples: dict, rng: random.Random, per_kind: int) -> dict[str, list[str]]:
    """The sample queries of each public query kind (the middling ones from the statistics)."""
    from blacklist.search import bigram_shares

    brand_pairs = [a + b for a in BRAND for b in BRAND]
    # Around the switch between the bigram index and the scan (search.INDEX_MAX_SHARE).
    middling = sorted(pair for pair, share in bigram_shares().items() if 0.005 <= share <= 0.03)
    industries = [word[:2] for word in INDUSTRY]
    return {
        "name part, 2 chars, rare (brand)": rng.sample(brand_pairs, per_kind),
        "name part, 2 chars, common (industry)": [rng.choice(industries) for _ in range(per_kind)],
        "name part, broad (天津 / 有限公司 / 西青区)": [rng.choice(BROAD) for _ in range(per_kind)],
        "name part, 2 chars in 0.5–3% of names": [rng.choice(middling) for _ in range(per_kind)],
        "name part, 4+ chars": [
            rng.choice(BRAND) + rng.choice(BRAND) + rng.choice(INDUSTRY)[:2] for _ in range(per_kind)
        ],
        "person, exact full name": (["张伟", "王芳", "李娜"] + samples["person"])[:per_kind],
        "credit code": samples["code"][:per_kind],
        "ID number": samples["id"][:per_kind],
    }


def explain(sql: str, params, *, repeat: int = 3) -> tuple[float, float, str, dict]:
    """Planning and execution time of one statement — the fastest of ``repeat`` runs, since other
    work on the machine only ever adds time — with its text plan and JSON plan."""
    from django.db import connection

    runs = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
            runs.append((plan["Planning Time"] + plan["Execution Time"], plan))
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    plan = min(runs, key=lambda run: run[0])[1]
    return plan["Planning Time"], plan["Execution Time"], text, plan


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


ROLES = ("subjects", "entries")


def measure(kinds: dict[str, list[str]], *, show_plans: bool) -> list[dict]:
    """Run each sample search as the page does (``filterset.results()``: the matching subjects,
    then their entries with the public columns), capture its SQL, and time every statement with
    EXPLAIN ANALYZE."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from blacklist.models import ListEntry
    from blacklist.public_filters import PublicListEntryFilterSet
    from blacklist.search import bigram_shares

    bigram_shares()  # the statistics are read once per process, not per search
    today = timezone.localdate()
    rows = []
    for kind, queries in kinds.items():
        times = {role: [] for role in ROLES}
        totals, hits, truncated = [], [], 0
        slowest = None
        for round_index in range(2):  # the first round warms the caches, the second is measured
            for q in queries:
                filterset = PublicListEntryFilterSet({"q": q}, queryset=ListEntry.objects.public(today))
                assert filterset.is_valid(), (q, filterset.errors)
                connection.queries_log.clear()  # a full log (9,000 queries) would capture nothing
                with CaptureQueriesContext(connection) as captured:
                    results = filterset.results()
                statements = [query["sql"] for query in captured.captured_queries]
                # No matching subject: Django sends no entries query at all.
                assert 1 <= len(statements) <= 2, (q, filterset.query, results, statements)
                total, plans = 0.0, []
                if round_index:
                    for role in ROLES[len(statements) :]:
                        times[role].append(0.0)
                for role, sql in zip(ROLES, statements, strict=False):
                    planning, execution, text, _ = explain(sql, [])
                    total += planning + execution
                    if round_index:
                        times[role].append(planning + execution)
                    plans.append((role, planning + execution, text))
                if round_index:
                    totals.append(total)
                    hits.append(results.count)
                    truncated += results.truncated
                    if slowest is None or total > slowest[0]:
                        slowest = (total, q, plans)
        rows.append(
            {
                "kind": kind,
                "queries": len(queries),
                **{f"{role}_p95": percentile(times[role], 0.95) for role in ROLES},
                "total_p50": statistics.median(totals),
                "total_p95": percentile(totals, 0.95),
                "hits_median": statistics.median(hits),
                "capped": truncated,
            }
        )
        if show_plans:
            print(f"\n=== {kind}: slowest sample {slowest[1]!r}, {slowest[0]:.2f} ms in all ===")
            for role, ms, text in slowest[2]:
                print(f"--- {role} query ({ms:.2f} ms):")
                print(text)
    return rows


def print_table(rows: list[dict]) -> None:
    print(
        "\nTime inside PostgreSQL per search (EXPLAIN ANALYZE planning + execution, ms). A search is two\n"
        "statements: the matching subjects (capped), then their public entries with the page's columns (capped)."
    )
    print(
        f"{'query kind':44} {'n':>4} {'subjects p95':>12} {'entries p95':>11} "
        f"{'search p50':>10} {'search p95':>10} {'hits med':>8} {'capped':>6}"
    )
    for row in rows:
        print(
            f"{row['kind']:44} {row['queries']:>4} {row['subjects_p95']:>12.2f} {row['entries_p95']:>11.2f} "
            f"{row['total_p50']:>10.2f} {row['total_p95']:>10.2f} "
            f"{row['hits_median']:>8} {row['capped']:>6}"
        )


def measure_changes(*, show_plans: bool) -> None:
    """The public change log (``/credit/changes/``) at this size: each page is one statement,
    four kinds of change each read from its own index newest first (``change_events``)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from blacklist.public_selectors import CHANGE_LOG_PAGE_SIZE, change_events, changes_page

    today = timezone.localdate()
    print("\nChange log /credit/changes/: one page (50 changes), whole selector (3 statements), fastest of 3 runs")
    for days in (7, 30, 366):
        since = today - datetime.timedelta(days=days)
        for page in (1, 5):
            best = float("inf")
            for _ in range(3):
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    changes, _has_next = changes_page(since=since, today=today, page=page)
                best = min(best, (time.perf_counter() - started) * 1000)
            end = page * CHANGE_LOG_PAGE_SIZE + 1
            events = change_events(since=since, today=today, limit=end)[end - CHANGE_LOG_PAGE_SIZE - 1 : end]
            planning, execution, _text, _plan = explain(*events.query.sql_with_params())
            events_ms = planning + execution
            print(
                f"  since {days:>3} days ago, page {page}: {best:6.1f} ms in all, events statement "
                f"{events_ms:5.2f} ms inside PostgreSQL, {len(changes)} changes, {len(captured)} queries"
            )
    if show_plans:
        events = change_events(since=today - datetime.timedelta(days=30), today=today, limit=51)[:51]
        print("--- plan of the events statement, since 30 days ago, page 1:")
        print(explain(*events.query.sql_with_params())[2])


# --- through the page: gunicorn + wrk -----------------------------------------------------------

WRK_LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def http_bench(
    kinds: dict[str, list[str]], *, database_url: str, workers: int, threads: int, seconds: int, page_cache: int
) -> None:
    from urllib.parse import urlencode

    tmp = Path("/tmp/xc_bench_search")  # noqa: S108 - a scratch directory of this script
    tmp.mkdir(exist_ok=True)
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-bench-only-secret-key-bench-only",  # noqa: S106
        ID_ENCRYPTION_KEY="ZGV2LW9ubHkta2V5LWZvci14aXFpbmctY3JlZGl0ISE=",
        ID_HASH_KEY="dev-only-id-hash-key",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        PUBLIC_SEARCH_RATE="100000000/min",  # the limiter still runs (a Redis round trip), it just never says no
        STATIC_ROOT=str(tmp / "static"),
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="xiqing_credit.settings",  # the production settings, from the environment
        PUBLIC_PAGE_CACHE_SECONDS=str(page_cache),
        PYTHONPATH=str(ROOT),
    )
    python = str(ROOT / ".venv/bin/python")
    subprocess.run([python, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    port = 8199
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "xiqing_credit.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
        "--log-level",
        "warning",
    ]
    print(
        "\nserver: " + " ".join(command) + f"  (DEBUG=false, CONN_MAX_AGE=600, REDIS_URL set, "
        f"PUBLIC_PAGE_CACHE_SECONDS={page_cache}{'' if page_cache else ': every request searches and renders'})"
    )
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        time.sleep(3)
        groups = {"trivial view /healthz": ["/healthz"]}
        groups["name part (2 chars rare + common)"] = [
            "/credit/?" + urlencode({"q": q})
            for q in kinds["name part, 2 chars, rare (brand)"] + kinds["name part, 2 chars, common (industry)"]
        ]
        groups["name part, broad (天津 …)"] = [
            "/credit/?" + urlencode({"q": q}) for q in kinds["name part, broad (天津 / 有限公司 / 西青区)"]
        ]
        groups["person, exact full name"] = [
            "/credit/?" + urlencode({"q": q}) for q in kinds["person, exact full name"]
        ]
        groups["credit code or ID number"] = [
            "/credit/?" + urlencode({"q": q}) for q in kinds["credit code"] + kinds["ID number"]
        ]
        for paths in groups.values():  # warm every worker's connection and template cache
            for path in paths[:20] if page_cache == 0 else paths:
                subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{port}{path}"], check=True)
        # The trivial view runs before and after each search, so that a change in the machine's
        # load (other work shares it) hits both sides of each ratio alike.
        trivial = "trivial view /healthz"
        order = [trivial]
        for name in groups:
            if name != trivial:
                order += [name, trivial]
        rates: list[tuple[str, float]] = []
        for round_index, name in enumerate(order):
            paths_file = tmp / f"paths{round_index}.txt"
            paths_file.write_text("\n".join(groups[name]) + "\n")
            script = tmp / f"paths{round_index}.lua"
            script.write_text(WRK_LUA % paths_file)
            wrk = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-s", str(script), f"http://127.0.0.1:{port}"]
            output = subprocess.run(wrk, capture_output=True, text=True, check=True).stdout
            lines = [line.strip() for line in output.splitlines()]
            rps = float(next(line for line in lines if line.startswith("Requests/sec")).split()[1])
            p50 = next(line for line in lines if line.startswith("50%")).split()[1]
            p99 = next(line for line in lines if line.startswith("99%")).split()[1]
            errors = [line for line in lines if line.startswith(("Non-2xx", "Socket errors"))]
            rates.append((name, rps))
            print(
                f"  {name:40} {rps:9.1f} req/s  p50 {p50:>8}  p99 {p99:>8}  {' '.join(errors) or 'no errors'}",
                flush=True,
            )
        kind = f"{workers} gunicorn workers" + (f" (gthread × {threads} threads)" if threads > 1 else "")
        print(f"\nwrk -t2 -c16 -d{seconds}s, {kind}; each search against the mean of the")
        print("trivial-view runs just before and after it (goal: 0.35 or more):")
        for index in range(1, len(rates), 2):
            name, rps = rates[index]
            baseline = (rates[index - 1][1] + rates[index + 1][1]) / 2
            print(f"  {name:40} {rps:9.1f} / {baseline:7.1f} = {rps / baseline:5.2f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database", default="xc_bench_search")
    parser.add_argument("--reload", action="store_true", help="drop and rebuild the bench database")
    parser.add_argument("--samples", type=int, default=100, help="sample queries per kind")
    parser.add_argument("--no-plans", action="store_true")
    parser.add_argument("--http", action="store_true", help="also measure through gunicorn with wrk")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (>1: gthread workers)")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument(
        "--page-cache", type=int, default=300, help="PUBLIC_PAGE_CACHE_SECONDS of the server (0: no page cache)"
    )
    args = parser.parse_args()
    print("command: " + " ".join(shlex.quote(part) for part in [".venv/bin/python", *sys.argv]))

    database_url = f"{SERVER}/{args.database}"
    import psycopg2

    admin = psycopg2.connect(f"{SERVER}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.database])
        exists = cursor.fetchone() is not None
        if exists and args.reload:
            cursor.execute(f'DROP DATABASE "{args.database}" WITH (FORCE)')
            exists = False
        if not exists:
            cursor.execute(
                f"CREATE DATABASE \"{args.database}\" TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
    admin.close()

    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiqing_credit.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    samples_file = Path(f"/tmp/{args.database}.samples.json")  # noqa: S108
    if not exists or not samples_file.exists():
        call_command("migrate", verbosity=0)
        from campaigns.services import load_plan

        load_plan()
        print(f"loading {args.entries:,} entries into {args.database} …")
        samples = load(args.entries)
        samples_file.write_text(json.dumps(samples, ensure_ascii=False))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE blacklist_creditsubject")
            cursor.execute("VACUUM ANALYZE blacklist_listentry")
        print(f"loaded in {samples['load_seconds']} s (COPY, with the indexes in place)")
    samples = json.loads(samples_file.read_text())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM blacklist_listentry")
        entry_count = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM blacklist_creditsubject")
        subject_count = cursor.fetchone()[0]
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    print(f"{entry_count:,} entries, {subject_count:,} subjects, {version}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; each statement: fastest of 3 runs")

    kinds = query_kinds(samples, random.Random(SEED + 1), args.samples)
    rows = measure(kinds, show_plans=not args.no_plans)
    print_table(rows)
    measure_changes(show_plans=not args.no_plans)
    if args.http:
        http_bench(
            kinds,
            database_url=database_url,
            workers=args.workers,
            threads=args.threads,
            seconds=args.seconds,
            page_cache=args.page_cache,
        )


if __name__ == "__main__":
    main()
