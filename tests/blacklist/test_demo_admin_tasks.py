"""Demo data, the admin pages, the import task and the import command of the list app."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from blacklist.models import IdRevealLog, ListEntry, ListImport, RepairApplication
from tests.blacklist.xlsx import org_row, row, workbook_bytes
from tests.factories import ListEntryFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_has_both_lists_every_severity_status_and_repair_state():
    """seed() creates red and black entries of every severity and status, and repairs in every state."""
    from agencies import demo as agency_demo
    from blacklist import demo

    out = io.StringIO()
    agency_demo.seed(out)
    demo.seed(out)
    assert set(ListEntry.objects.values_list("list", flat=True)) == {"red", "black"}
    assert set(ListEntry.objects.filter(list="black").values_list("severity", flat=True)) == {
        "minor",
        "general",
        "serious",
        "severe",
    }
    assert set(ListEntry.objects.values_list("status", flat=True)) == set(ListEntry.Status.values)
    assert set(RepairApplication.objects.values_list("status", flat=True)) == set(RepairApplication.Status.values)
    assert ListEntry.objects.filter(subject__subject_type="person").exists()
    count = ListEntry.objects.count()
    demo.seed(out)
    assert ListEntry.objects.count() == count
    assert "demo list entries: already loaded" in out.getvalue()


def test_every_admin_page_of_the_app_opens(client):
    """Each model of the app is in the admin and its list and add pages open."""
    admin = UserFactory(role="admin", is_staff=True, is_superuser=True, username="root")
    client.force_login(admin)
    ListEntryFactory()
    for model in ("creditsubject", "listentry", "publicityperiod", "listimport", "idrevealog", "repairapplication"):
        if model == "idrevealog":
            model = "idreveallog"
        assert client.get(f"/admin/blacklist/{model}/").status_code == 200, model
    assert client.get("/admin/blacklist/idreveallog/add/").status_code == 403  # the reveal log is read-only
    assert IdRevealLog.objects.count() == 0


def test_publicity_periods_are_installed_by_migration():
    """A fresh install has the DESIGN §2 defaults as editable rows."""
    from blacklist.models import PublicityPeriod

    rows = {(p.list, p.severity): (p.is_published, p.min_months, p.max_months) for p in PublicityPeriod.objects.all()}
    assert rows == {
        ("black", "minor"): (False, 0, 0),
        ("black", "general"): (True, 3, 12),
        ("black", "serious"): (True, 6, 24),
        ("black", "severe"): (True, 12, 36),
        ("red", ""): (True, 1, 36),
    }


def test_import_task_loads_by_id_and_imports(reporter):
    """The Celery task runs the import of the given id and returns the number imported."""
    from blacklist import services
    from blacklist.tasks import run_list_import

    upload = SimpleUploadedFile("x.xlsx", workbook_bytes([row(), org_row(2)]))
    list_import = services.list_import_create(actor=reporter, uploaded_file=upload)
    assert run_list_import.delay(list_import.pk).get() == 2
    list_import.refresh_from_db()
    assert (list_import.status, list_import.imported_count) == ("succeeded", 2)


def test_import_command(reporter, tmp_path):
    """manage.py import_list_entries imports a file, or fails with the per-row errors printed."""
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook_bytes([row()]))
    out = io.StringIO()
    call_command("import_list_entries", str(good), "--today=2025-06-02", user="reporter1", stdout=out)
    assert out.getvalue().startswith("imported: 1 rows in ")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook_bytes([org_row(2, 失信等级="")]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_list_entries", str(bad), "--today=2025-06-02", user="reporter1", stdout=out)
    assert "第2行 失信等级：黑名单必须选择失信等级（轻微、一般、较重、严重）。" in out.getvalue()
    text = tmp_path / "text.xlsx"
    text.write_text("not a workbook")
    with pytest.raises(CommandError, match="文件不是Excel工作簿"):
        call_command("import_list_entries", str(text), user="reporter1")
    assert ListImport.objects.count() == 2
