"""python manage.py seed_demo: demo accounts and data so a new user sees a working portal.

Each app that has demo data provides ``<app>.demo.seed(stdout)``; they run in dependency order
and are idempotent. Refuses to run with DEBUG off: demo passwords must never reach production.
"""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

DEMO_MODULES = ["agencies.demo", "reports.demo", "agencies.demo_supervision", "blacklist.demo"]


class Command(BaseCommand):
    help = "Create demo accounts and demo data (only with DEBUG on)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("DEBUG 已关闭：演示数据和演示账号不能写入生产环境。")
        from agencies.models import Agency

        if not Agency.objects.filter(kind=Agency.Kind.OFFICE).exists():
            raise CommandError("尚未导入行动方案，请先运行 python manage.py load_plan。")
        for name in DEMO_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as error:
                if error.name == name:
                    continue
                raise
            with transaction.atomic():
                module.seed(self.stdout)
