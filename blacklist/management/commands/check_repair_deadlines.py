"""python manage.py check_repair_deadlines [--today YYYY-MM-DD]: run the repair-deadline job once."""

from django.core.management.base import BaseCommand

from blacklist.repair_deadlines import repair_deadlines_check
from xiqing_credit.schedule import parse_day


class Command(BaseCommand):
    help = "Warn the office (once a day) of repair applications close to or past their decision deadline."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按这一天运行（YYYY-MM-DD），默认今天")

    def handle(self, *args, today=None, **options):
        self.stdout.write(str(repair_deadlines_check(today=parse_day(today))))
