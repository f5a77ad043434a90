"""python manage.py expire_list_entries [--today YYYY-MM-DD]: run the list-expiry job once."""

from django.core.management.base import BaseCommand

from blacklist.services import list_entries_expire
from xiqing_credit.schedule import parse_day


class Command(BaseCommand):
    help = "Entries whose publicity period ended before today leave the public list (history says why)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按这一天运行（YYYY-MM-DD），默认今天")

    def handle(self, *args, today=None, **options):
        self.stdout.write(f"list entries expired: {list_entries_expire(today=parse_day(today))}")
