"""Celery tasks of the blacklist app: each loads by id and calls a service."""

from celery import shared_task

from .models import ListExport, ListImport
from .services import list_export_run, list_import_run


@shared_task
def run_list_import(list_import_id: int) -> int:
    """Check and write the rows of one uploaded import (section 五.1); returns the number imported."""
    list_import = ListImport.objects.select_related("created_by").get(pk=list_import_id)
    return list_import_run(list_import=list_import).imported_count


@shared_task
def run_list_export(list_export_id: int) -> int:
    """Build the workbook of one large export (issue 9 §3); returns the number of entries written."""
    list_export = ListExport.objects.select_related("created_by__agency").get(pk=list_export_id)
    return list_export_run(list_export=list_export).total_rows
