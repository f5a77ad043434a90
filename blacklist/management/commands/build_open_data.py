"""python manage.py build_open_data [--today YYYY-MM-DD]: run the open-data job once."""

from django.core.management.base import BaseCommand

from blacklist.open_data import open_data_release_refresh
from xiqing_credit.schedule import parse_day


class Command(BaseCommand):
    help = "Build the open-data files (CSV, JSON, XLSX) of the public lists, unless they are up to date."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按这一天运行（YYYY-MM-DD），默认今天")

    def handle(self, *args, today=None, **options):
        release = open_data_release_refresh(today=parse_day(today))
        if release is None:
            self.stdout.write("open data: another build is running")
            return
        sizes = ", ".join(f"{fmt} {release.size(fmt):,} bytes" for fmt in release.FORMATS)
        self.stdout.write(
            f"open data: {release.entry_count} entries as of {release.as_of.isoformat()}, "
            f"built in {release.build_seconds:.1f} s ({sizes})"
        )
