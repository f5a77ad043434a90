"""python manage.py send_supervision_summary [--today YYYY-MM-DD]: run the monthly summary job once."""

from django.core.management.base import BaseCommand

from agencies.summaries import supervision_summary_send
from xiqing_credit.schedule import parse_day


class Command(BaseCommand):
    help = "On or after the summary day, send last month's supervision summary to the office (once a month)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按这一天运行（YYYY-MM-DD），默认今天")

    def handle(self, *args, today=None, **options):
        self.stdout.write(str(supervision_summary_send(today=parse_day(today))))
