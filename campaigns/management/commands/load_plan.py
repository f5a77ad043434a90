from pathlib import Path

from django.core.management.base import BaseCommand

from campaigns.services import load_plan


class Command(BaseCommand):
    help = "Load the action plan's agencies, campaigns and action items (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, help="plan text file (default: the bundled plan_2018_4.txt)")

    def handle(self, *args, file: Path | None = None, **options):
        result = load_plan(file.read_text(encoding="utf-8") if file else None)
        self.stdout.write(f"{result}" if result.changed else f"{result} (nothing changed)")
