"""Run every benchmark in ``bench/`` that exists, one after another, printing each one's figures.

``make bench`` runs them at sizes that finish in a few minutes; ``make bench FULL=1`` (``--full``)
at the full sizes of issue 9. Each script builds its own PostgreSQL database (named ``xc_bench*``),
prints its figures and the exact command; record them in ``docs/benchmarks.md``. Never part of CI.

    .venv/bin/python bench/run_all.py [--full] [--only dashboard,export]
"""

from __future__ import annotations

import argparse
import shlex
import subprocess  # nosec B404 - runs the benchmark scripts next to this one
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

# name: (arguments at the small size, arguments at the full size). Order matters: screening reuses
# the database that search builds. A script not listed here but present runs with its own defaults.
SCRIPTS: dict[str, tuple[list[str], list[str]]] = {
    "dashboard": (["--months", "6", "--renders", "10"], []),
    "export": (["--rows", "10000", "--steps", "2500,5000", "--import-rows", "2000", "--repeat", "2", "--task"], []),
    "search": (
        ["--entries", "20000", "--reload", "--samples", "20", "--database", "xc_bench_search_small"],
        ["--reload", "--http"],
    ),
    "screening": (["--rows", "1000", "--database", "xc_bench_search_small"], []),
    "open_data": (["--database", "xc_bench_search_small", "--steps", "5000"], []),
    "reminders": (["--agencies", "40", "--campaigns", "25"], []),
}
NOT_SCRIPTS = {"run_all"}


def scripts() -> list[str]:
    """The benchmark scripts present: the known ones in their order, then any other runnable one."""
    present = {
        path.stem
        for path in BENCH.glob("*.py")
        if not path.stem.startswith("_")
        and path.stem not in NOT_SCRIPTS
        and '__name__ == "__main__"' in path.read_text(encoding="utf-8")
    }
    return [name for name in SCRIPTS if name in present] + sorted(present - set(SCRIPTS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the full sizes of issue 9 (takes much longer)")
    parser.add_argument("--only", default="", help="comma-separated script names, e.g. dashboard,export")
    args = parser.parse_args()
    names = scripts()
    if args.only:
        wanted = {name.strip() for name in args.only.split(",") if name.strip()}
        names = [name for name in names if name in wanted]
    missing = [name for name in SCRIPTS if name not in scripts()]
    print(f"benchmarks: {', '.join(names) or 'none'} ({'full' if args.full else 'small'} sizes)")
    if missing:
        print(f"not on this branch: {', '.join(missing)}")
    failed = []
    for name in names:
        small, full = SCRIPTS.get(name, ([], []))
        command = [sys.executable, str(BENCH / f"{name}.py"), *(full if args.full else small)]
        shown = " ".join([".venv/bin/python", f"bench/{name}.py", *map(shlex.quote, command[2:])])
        print(f"\n=== {name}: {shown}", flush=True)
        started = time.perf_counter()
        completed = subprocess.run(command, cwd=ROOT, check=False)  # nosec B603
        print(f"=== {name}: exit {completed.returncode} after {time.perf_counter() - started:.0f} s", flush=True)
        if completed.returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
