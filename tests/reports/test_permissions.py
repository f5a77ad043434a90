"""Who sees and changes which report: every forbidden path (page, API, Excel, download) is refused.

A report one may not see answers 404 (its existence is not revealed); a report one may see but not
change in that way answers 403 with the reason. Anonymous visitors are sent to the login page
(pages, downloads) or refused with 403 (API).
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports import services
from reports.models import Report
from tests.factories import UserFactory
from tests.reports.conftest import MARCH, PDF, TODAY, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment(draft, reporter):
    return services.attachment_add(actor=reporter, report=draft, upload=upload("台账.pdf", PDF))


def _paths(report, attachment):
    """(method, url, data) of every page and API path that reads or changes one report."""
    return {
        "detail": ("get", reverse("reports:detail", args=[report.pk]), None),
        "history": ("get", reverse("reports:history", args=[report.pk]), None),
        "download": ("get", reverse("reports:attachment", args=[attachment.pk]), None),
        "api_retrieve": ("get", f"/api/v1/reports/{report.pk}/", None),
        "api_history": ("get", f"/api/v1/reports/{report.pk}/history/", None),
        "edit": ("get", reverse("reports:edit", args=[report.pk]), None),
        "edit_post": ("post", reverse("reports:edit", args=[report.pk]), {"work_done": "x", "save": "1"}),
        "submit": ("post", reverse("reports:submit", args=[report.pk]), {}),
        "upload": ("post", reverse("reports:edit", args=[report.pk]), {"file": upload("b.pdf", PDF), "save": "1"}),
        "delete_attachment": ("post", reverse("reports:attachment_delete", args=[attachment.pk]), {}),
        "accept": ("post", reverse("reports:accept", args=[report.pk]), {}),
        "return": ("post", reverse("reports:return", args=[report.pk]), {"comment": "x"}),
        "contribute": ("post", reverse("reports:contribute", args=[report.pk]), {"text": "x"}),
        "api_patch": ("patch", f"/api/v1/reports/{report.pk}/", {"work_done": "x"}),
        "api_submit": ("post", f"/api/v1/reports/{report.pk}/submit/", {}),
        "api_return": ("post", f"/api/v1/reports/{report.pk}/return/", {"comment": "x"}),
        "api_accept": ("post", f"/api/v1/reports/{report.pk}/accept/", {}),
        "api_contribution": ("post", f"/api/v1/reports/{report.pk}/contribution/", {"text": "x"}),
    }


def _call(client, method, url, data):
    if method == "patch":
        return client.patch(url, data, content_type="application/json")
    if method == "post" and url.startswith("/api/"):
        return client.post(url, data, content_type="application/json")
    return getattr(client, method)(url, data or {})


def _statuses(client, report, attachment, names):
    paths = _paths(report, attachment)
    return {name: _call(client, *paths[name]).status_code for name in names}


def _unchanged(report):
    fresh = Report.objects.get(pk=report.pk)
    assert (fresh.status, fresh.work_done, fresh.contributions.count()) == (report.status, report.work_done, 0)


# --- The queryset ------------------------------------------------------------------------------------------


def test_visible_to_follows_the_rules(draft, reporter, ndrc_reporter, court_reporter, tourism_reporter, office_user):
    """Own agency and participants see the report; the other lead and unrelated agencies do not; the office sees all."""
    from django.contrib.auth.models import AnonymousUser

    def sees(user):
        return Report.objects.visible_to(user).filter(pk=draft.pk).exists()

    assert sees(reporter) and sees(court_reporter) and sees(office_user)
    assert not sees(ndrc_reporter) and not sees(tourism_reporter)
    assert not sees(AnonymousUser())
    assert not sees(UserFactory(role="reporter", agency=None, username="noagency"))
    reporter.is_active = False
    assert not sees(reporter)


def test_participant_sees_each_report_once_even_as_lead_of_another(campaign8, ndrc_reporter, reporter):
    """An agency that leads and takes part sees each visible report exactly once (no duplicate rows)."""
    services.report_open(actor=reporter, campaign=campaign8, month=MARCH, today=TODAY)
    services.report_open(actor=ndrc_reporter, campaign=campaign8, month=MARCH, today=TODAY)
    visible = list(Report.objects.visible_to(reporter))
    assert [r.agency.name for r in visible] == ["区人力社保局"]


# --- Forbidden paths by actor -----------------------------------------------------------------------------------

EVERY_PATH = [
    "detail",
    "history",
    "download",
    "api_retrieve",
    "api_history",
    "edit",
    "edit_post",
    "submit",
    "upload",
    "delete_attachment",
    "accept",
    "return",
    "contribute",
    "api_patch",
    "api_submit",
    "api_return",
    "api_accept",
    "api_contribution",
]


@pytest.mark.parametrize("who", ["tourism_reporter", "ndrc_reporter"])
def test_agencies_without_a_role_in_the_report_get_404_everywhere(request, client, draft, attachment, who):
    """An unrelated agency and the campaign's other lead get 404 on every page, API path and download."""
    client.force_login(request.getfixturevalue(who))
    assert _statuses(client, draft, attachment, EVERY_PATH) == dict.fromkeys(EVERY_PATH, 404)
    _unchanged(draft)


def test_participant_reads_and_contributes_but_changes_nothing_else(client, draft, attachment, court_reporter):
    """A participating agency reads the report and its files, and may only add its contribution."""
    client.force_login(court_reporter)
    reads = ["detail", "history", "download", "api_retrieve", "api_history"]
    assert _statuses(client, draft, attachment, reads) == dict.fromkeys(reads, 200)
    writes = [
        "edit",
        "edit_post",
        "submit",
        "upload",
        "delete_attachment",
        "accept",
        "return",
        "api_patch",
        "api_submit",
        "api_return",
        "api_accept",
    ]
    assert _statuses(client, draft, attachment, writes) == dict.fromkeys(writes, 403)
    _unchanged(draft)


def test_office_sees_everything_and_edits_nothing(client, draft, attachment, office_user):
    """The office reads any report but cannot change, submit, attach to or contribute to one."""
    client.force_login(office_user)
    reads = ["detail", "history", "download", "api_retrieve", "api_history"]
    assert _statuses(client, draft, attachment, reads) == dict.fromkeys(reads, 200)
    writes = ["edit", "edit_post", "submit", "upload", "delete_attachment", "contribute", "api_patch", "api_submit"]
    writes += ["api_contribution"]
    assert _statuses(client, draft, attachment, writes) == dict.fromkeys(writes, 403)
    response = client.post("/api/v1/reports/", {"campaign": 13, "month": "2026-03"}, content_type="application/json")
    assert (response.status_code, response.json()) == (403, {"detail": "只有牵头单位的填报员可以填报月度报告。"})
    assert client.post(reverse("reports:new"), {"campaign": 13, "month": "2026-03"}).status_code == 403
    _unchanged(draft)


def test_office_cannot_review_a_draft(client, draft, attachment, office_user):
    """Accept and return need a submitted report."""
    client.force_login(office_user)
    names = ["accept", "return", "api_accept", "api_return"]
    assert _statuses(client, draft, attachment, names) == dict.fromkeys(names, 403)


def test_own_reporter_cannot_review_or_change_a_submitted_report(client, filled, attachment, reporter):
    """The lead's reporter cannot accept or return, nor change its report while it waits for review."""
    submitted = services.report_submit(actor=reporter, report=filled)
    client.force_login(reporter)
    names = ["edit", "edit_post", "submit", "upload", "delete_attachment", "accept", "return"]
    names += ["api_patch", "api_submit", "api_accept", "api_return", "api_contribution"]
    assert _statuses(client, submitted, attachment, names) == dict.fromkeys(names, 403)
    response = client.get(reverse("reports:edit", args=[submitted.pk]))
    assert "报告已提交，正在等待区文明办审核，不能修改。" in response.content.decode()
    response = client.patch(f"/api/v1/reports/{submitted.pk}/", {"work_done": "x"}, content_type="application/json")
    assert response.json() == {"detail": "报告已提交，正在等待区文明办审核，不能修改。"}
    assert Report.objects.get(pk=submitted.pk).attachments.count() == 1


@pytest.mark.parametrize(
    ("method", "name", "args", "data"),
    [
        ("get", "reports:review_queue", [], None),
        ("get", "reports:indicators", [], None),
        ("get", "reports:indicator_new", [], None),
        ("post", "reports:indicator_new", [], {"campaign": 8, "name": "x", "kind": "integer"}),
        ("get", "reports:months", [], None),
        ("post", "reports:months", [], {"month": "2026-03"}),
    ],
)
def test_reporters_cannot_use_office_pages(reporter_client, method, name, args, data):
    """The review queue, indicators and month locks are the office's: a reporter gets 403."""
    response = getattr(reporter_client, method)(reverse(name, args=args), data or {})
    assert response.status_code == 403


def test_reporters_cannot_change_locks_or_indicators(client, reporter, office_user, wage_indicators):
    """Unlocking, reopening, revoking and editing an indicator are refused to a reporter."""
    from reports.models import MonthReopening

    lock = services.month_lock(actor=office_user, month=MARCH, today=TODAY)
    reopening = services.month_reopen(actor=office_user, lock=lock, agency=reporter.agency, reason="补报")
    client.force_login(reporter)
    urls = [
        reverse("reports:month_unlock", args=[lock.pk]),
        reverse("reports:month_reopen", args=[lock.pk]),
        reverse("reports:reopening_revoke", args=[reopening.pk]),
        reverse("reports:indicator_edit", args=[wage_indicators[0].pk]),
    ]
    assert [client.post(url, {"agency": reporter.agency_id, "reason": "x"}).status_code for url in urls] == [403] * 4
    assert MonthReopening.objects.count() == 1


def test_anonymous_users_see_no_report(client, draft, attachment):
    """Anonymous visitors are sent to login on pages and downloads, and refused by the API."""
    for name in ["detail", "history", "download", "edit"]:
        method, url, data = _paths(draft, attachment)[name]
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")
    for url in [reverse("reports:my_tasks"), reverse("reports:export"), reverse("reports:review_queue")]:
        assert client.get(url).status_code == 302
    for method, url, data in [
        ("get", "/api/v1/reports/", None),
        ("get", f"/api/v1/reports/{draft.pk}/", None),
        ("post", "/api/v1/reports/", {"campaign": 8, "month": "2026-03"}),
        ("patch", f"/api/v1/reports/{draft.pk}/", {"work_done": "x"}),
    ]:
        assert _call(client, method, url, data).status_code == 403


def test_excel_export_holds_only_what_the_user_sees(client, draft, tourism_reporter, court_reporter, office_user):
    """The export of an unrelated agency has no rows; a participant's and the office's have the report."""

    def exported_ids(user):
        client.force_login(user)
        response = client.get(reverse("reports:export"))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content))["月度报告"]
        return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]

    assert exported_ids(tourism_reporter) == []
    assert exported_ids(court_reporter) == [draft.pk]
    assert exported_ids(office_user) == [draft.pk]


def test_users_without_an_agency_or_role_get_403(client):
    """An account with no agency has no tasks, list or export."""
    client.force_login(UserFactory(role="reporter", agency=None, username="noagency"))
    for name in ["reports:my_tasks", "reports:past", "reports:export"]:
        assert client.get(reverse(name)).status_code == 403
    assert client.get("/api/v1/reports/").json()["results"] == []
