"""Large exports of list entries run as a background job with progress and a download link,
never inside the web request (issue 9 §3); small ones are answered at once."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import Agency
from blacklist.models import ListEntry, ListExport
from tests.factories import ListEntryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.LIST_EXPORT_BACKGROUND_ROWS = 2


def names_in(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return sorted(row[3] for row in sheet.iter_rows(min_row=2, values_only=True))


def start_export(client, django_capture_on_commit_callbacks, query: str = ""):
    """POST the start form as the confirmation page does; the task runs when the request commits."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("blacklist:export_start") + query)
    return response


def test_small_export_is_the_file_itself(office_client):
    """At or below the threshold the export answers with the workbook and records no job."""
    ListEntryFactory(subject__name="甲公司")
    ListEntryFactory(subject__name="乙公司")
    response = office_client.get(reverse("blacklist:entry_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert names_in(response.content) == ["乙公司", "甲公司"]
    assert ListExport.objects.count() == 0


def test_large_export_offers_a_background_job_without_building_the_file(office_client):
    """Above the threshold the export page shows the count and a start button; a GET starts nothing."""
    for name in ("甲公司", "乙公司", "丙公司"):
        ListEntryFactory(subject__name=name)
    response = office_client.get(reverse("blacklist:entry_export") + "?list=black")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "筛选结果共 3 条，超过即时导出上限 2 条，将在后台生成 Excel 文件。" in text
    assert f'action="{reverse("blacklist:export_start")}?list=black"' in text
    assert ListExport.objects.count() == 0


def test_background_export_builds_the_filtered_file_and_offers_the_download(
    office_client, office_user, django_capture_on_commit_callbacks
):
    """Starting the job redirects to its page; when done the page links the file, which holds
    exactly the filtered entries."""
    for name in ("红一", "红二", "红三"):
        ListEntryFactory(subject__name=name, list=ListEntry.List.RED, severity="")
    ListEntryFactory(subject__name="黑一")
    response = start_export(office_client, django_capture_on_commit_callbacks, "?list=red")
    list_export = ListExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("blacklist:export_detail", args=[list_export.pk])
    assert list_export.created_by == office_user
    assert list_export.status == ListExport.Status.SUCCEEDED
    assert (list_export.total_rows, list_export.processed_rows) == (3, 3)

    page = office_client.get(response["Location"]).content.decode()
    assert "已导出3条名单条目。" in page
    assert reverse("blacklist:export_download", args=[list_export.pk]) in page
    status = office_client.get(reverse("blacklist:export_status", args=[list_export.pk])).json()
    assert status == {
        "status": "succeeded",
        "status_display": "已完成",
        "finished": True,
        "percent": 100,
        "processed": 3,
        "total": 3,
    }
    download = office_client.get(reverse("blacklist:export_download", args=[list_export.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert names_in(b"".join(download.streaming_content)) == ["红一", "红三", "红二"]


def test_running_export_shows_progress_and_no_download(office_client, office_user):
    """While the job runs the page shows the progress bar that blacklist.js polls; no file yet."""
    list_export = ListExport.objects.create(
        created_by=office_user, status=ListExport.Status.RUNNING, total_rows=8000, processed_rows=2000
    )
    page = office_client.get(reverse("blacklist:export_detail", args=[list_export.pk])).content.decode()
    assert 'id="export-progress"' in page
    assert "已导出 2000 / 8000 行" in page
    assert 'aria-valuenow="25"' in page
    assert office_client.get(reverse("blacklist:export_download", args=[list_export.pk])).status_code == 404


def test_reporter_background_export_holds_only_its_own_agency_entries(
    reporter_client, django_capture_on_commit_callbacks
):
    """The job exports what the asking account may see, as the list page shows it."""
    for name in ("本单位一", "本单位二", "本单位三"):
        ListEntryFactory(subject__name=name)
    ListEntryFactory(subject__name="别的单位", deciding_agency=Agency.objects.get(name="区市场监管局"))
    start_export(reporter_client, django_capture_on_commit_callbacks)
    list_export = ListExport.objects.get()
    download = reporter_client.get(reverse("blacklist:export_download", args=[list_export.pk]))
    assert names_in(b"".join(download.streaming_content)) == ["本单位一", "本单位三", "本单位二"]


def test_another_account_cannot_see_or_download_an_export(client, office_client, django_capture_on_commit_callbacks):
    """An export belongs to the account that asked: another office user gets 404 on every path."""
    for name in ("甲", "乙", "丙"):
        ListEntryFactory(subject__name=name)
    start_export(office_client, django_capture_on_commit_callbacks)
    list_export = ListExport.objects.get()
    client.force_login(UserFactory(agency=Agency.objects.office(), role="office", username="other-office"))
    for name in ("export_detail", "export_status", "export_download"):
        assert client.get(reverse(f"blacklist:{name}", args=[list_export.pk])).status_code == 404


@pytest.mark.parametrize("name", ["export_detail", "export_status", "export_download"])
def test_export_pages_send_anonymous_users_to_login(client, name):
    """Every export page and download needs a login."""
    response = client.get(reverse(f"blacklist:{name}", args=[1]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_export_start_refuses_get_and_accounts_without_role(client, office_client):
    """Starting a job is a POST by staff: GET gets 405, an account without a role 403."""
    assert office_client.get(reverse("blacklist:export_start")).status_code == 405
    user = UserFactory(agency=None, role="reporter", username="norole-export")
    user.role = "none"
    user.save(update_fields=["role"])
    client.force_login(user)
    assert client.post(reverse("blacklist:export_start")).status_code == 403
    assert ListExport.objects.count() == 0
