"""Celery tasks of the blacklist app: each loads by id and calls a service."""

from celery import shared_task

from xiqing_credit.schedule import day_or_today

from .models import ListExport, ListImport
from .open_data import open_data_release_refresh
from .repair_deadlines import repair_deadlines_check
from .services import list_entries_expire, list_export_run, list_import_run


@shared_task
def run_list_import(list_import_id: int) -> int:
    """Check and write the rows of one uploaded import (section 五.1); returns the number imported."""
    list_import = ListImport.objects.select_related("created_by").get(pk=list_import_id)
    return list_import_run(list_import=list_import).imported_count


# --- Issue 7: scheduled jobs ------------------------------------------------------------------


@shared_task(acks_late=True)
def expire_list_entries(today: str | None = None) -> str:
    """Daily: entries past their publicity end leave the public list, saying why in their history."""
    return f"list entries expired: {list_entries_expire(today=day_or_today(today))}"


@shared_task(acks_late=True)
def check_repair_deadlines(today: str | None = None) -> str:
    """Daily: warn the office of repair applications close to or past their decision deadline."""
    return str(repair_deadlines_check(today=day_or_today(today)))


@shared_task
def run_list_export(list_export_id: int) -> int:
    """Build the workbook of one large export (issue 9 §3); returns the number of entries written."""
    list_export = ListExport.objects.select_related("created_by__agency").get(pk=list_export_id)
    return list_export_run(list_export=list_export).total_rows


@shared_task(acks_late=True)
def build_open_data(today: str | None = None) -> str:
    """Daily, after a change to the public lists (debounced) and when a visitor finds none: build
    the open-data files of the current public lists (issue 6 §5, section 五.1), unless up to date."""
    release = open_data_release_refresh(today=day_or_today(today))
    if release is None:
        return "open data: another build is running"
    return f"open data: {release.entry_count} entries as of {release.as_of.isoformat()} (release {release.pk})"
