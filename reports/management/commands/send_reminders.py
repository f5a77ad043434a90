"""python manage.py send_reminders [--today YYYY-MM-DD]: run the report reminder job once."""

from django.core.management.base import BaseCommand

from reports.reminders import reminders_send
from xiqing_credit.schedule import parse_day


class Command(BaseCommand):
    help = "Send the reminders for owed monthly reports that are due today (each at most once)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按这一天运行（YYYY-MM-DD），默认今天")

    def handle(self, *args, today=None, **options):
        self.stdout.write(str(reminders_send(today=parse_day(today))))
