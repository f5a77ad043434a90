"""Celery tasks of the blacklist app: each loads by id and calls a service."""

from celery import shared_task

from .models import ListImport
from .services import list_import_run


@shared_task
def run_list_import(list_import_id: int) -> int:
    """Check and write the rows of one uploaded import (section 五.1); returns the number imported."""
    list_import = ListImport.objects.select_related("created_by").get(pk=list_import_id)
    return list_import_run(list_import=list_import).imported_count
