"""python manage.py import_list_entries FILE --user NAME: import list entries from Excel.

The same checks as the import page (hostile files refused unparsed, every row checked, nothing
written unless all rows are valid); prints the per-row errors, or the number imported and the time.
"""

import datetime
import time
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from agencies.models import User
from blacklist import services
from blacklist.excel import ImportFileError


class Command(BaseCommand):
    help = "Import red/black list entries from an .xlsx file made from the import template."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="the account the entries are proposed by")
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args, file: Path, user: str, today, **options):
        try:
            actor = User.objects.get(username=user)
        except User.DoesNotExist:
            raise CommandError(f"用户“{user}”不存在。") from None
        started = time.perf_counter()
        with file.open("rb") as handle:
            try:
                list_import = services.list_import_create(actor=actor, uploaded_file=File(handle, name=file.name))
            except ImportFileError as error:
                raise CommandError(str(error)) from None
        list_import = services.list_import_run(list_import=list_import, today=today)
        elapsed = time.perf_counter() - started
        for error in list_import.errors[:50]:
            self.stdout.write(f"第{error['row']}行 {error['column']}：{error['message']}")
        if list_import.status != list_import.Status.SUCCEEDED:
            raise CommandError(list_import.message)
        self.stdout.write(f"imported: {list_import.imported_count} rows in {elapsed:.1f} s ({list_import.message})")
