"""The staff API: /api/v1/list-entries/ (propose, publish, remove, import) and /api/v1/repair-applications/."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from agencies.models import Agency
from blacklist.models import ListEntry, RepairApplication
from tests.blacklist.xlsx import org_row, row, workbook_bytes
from tests.factories import ListEntryFactory, PersonFactory, UserFactory, credit_code

pytestmark = pytest.mark.django_db

FULL_ID = "11010519491231002X"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def other_reporter(db):
    return UserFactory(agency=Agency.objects.get(name="区市场监管局"), role="reporter", username="other")


def payload(**values):
    data = {
        "list": "black",
        "subject_type": "person",
        "name": "张三",
        "id_number": FULL_ID,
        "campaign": 8,
        "severity": "general",
        "reason": "拖欠农民工工资",
        "basis": "《保障农民工工资支付条例》",
        "deciding_agency": "区人力社保局",
        "decision_number": "西青人社罚〔2025〕9号",
        "decision_date": "2025-05-20",
        "publish_until": "2026-05-20",
    }
    data.update(values)
    return data


def test_anonymous_gets_401_or_403(client):
    """The staff API needs an account."""
    assert client.get("/api/v1/list-entries/").status_code in (401, 403)
    assert client.get("/api/v1/repair-applications/").status_code in (401, 403)


def test_reporter_proposes_person_id_is_write_only_and_masked(reporter):
    """POST proposes an entry (status proposed); the ID is accepted in full and read back masked."""
    response = api(reporter).post("/api/v1/list-entries/", payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id_number"] == "1101051949****002X"
    assert body["status"] == "proposed"
    assert body["credit_code"] == ""
    assert body["campaign"] == 8
    assert body["deciding_agency"] == "区人力社保局"
    assert FULL_ID not in response.content.decode()
    detail = api(reporter).get(f"/api/v1/list-entries/{body['id']}/")
    assert FULL_ID not in detail.content.decode()


def test_list_fields(office_user):
    """Each entry carries the fields the issue names."""
    ListEntryFactory(subject__name="天津某公司", subject__credit_code=credit_code(5))
    response = api(office_user).get("/api/v1/list-entries/")
    assert response.status_code == 200
    entry = response.json()["results"][0]
    assert {key: entry[key] for key in ("list", "subject_type", "name", "credit_code", "severity", "status")} == {
        "list": "black",
        "subject_type": "legal_person",
        "name": "天津某公司",
        "credit_code": credit_code(5),
        "severity": "general",
        "status": "proposed",
    }
    assert entry["decision_date"] == "2025-01-10" and entry["publish_until"] == "2025-10-10"


def test_check_digit_error_is_400_with_field_message(reporter):
    """A wrong check digit answers 400 naming the field and the right character."""
    response = api(reporter).post("/api/v1/list-entries/", payload(id_number="110105194912310021"), format="json")
    assert response.status_code == 400
    assert response.json() == {"id_number": ["身份证号码第18位校验位应为X，而不是1。"]}
    assert ListEntry.objects.count() == 0


def test_reporter_proposing_for_other_agency_is_403(reporter):
    """An agency proposes only for its own agency."""
    response = api(reporter).post("/api/v1/list-entries/", payload(deciding_agency="区市场监管局"), format="json")
    assert response.status_code == 403
    assert ListEntry.objects.count() == 0


def test_publish_and_remove_by_office(office_user):
    """The office publishes, then removes with a reason."""
    entry = ListEntryFactory(publish_until=datetime.date.today() + datetime.timedelta(days=90))
    client = api(office_user)
    response = client.post(f"/api/v1/list-entries/{entry.pk}/publish/")
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert response.json()["publish_from"] == datetime.date.today().isoformat()
    again = client.post(f"/api/v1/list-entries/{entry.pk}/publish/")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["只能发布待发布的条目，该条目当前状态为“已发布”。"]}
    no_reason = client.post(f"/api/v1/list-entries/{entry.pk}/remove/", {}, format="json")
    assert no_reason.status_code == 400
    assert no_reason.json() == {"reason": ["该字段是必填项。"]}
    removed = client.post(f"/api/v1/list-entries/{entry.pk}/remove/", {"reason": "处罚决定被撤销"}, format="json")
    assert removed.status_code == 200
    assert (removed.json()["status"], removed.json()["removal_reason"]) == ("removed", "处罚决定被撤销")


def test_reporter_publish_and_remove_are_403(reporter):
    """Only the office publishes and removes: a reporter's own entry gives 403."""
    entry = ListEntryFactory()
    client = api(reporter)
    assert client.post(f"/api/v1/list-entries/{entry.pk}/publish/").status_code == 403
    assert client.post(f"/api/v1/list-entries/{entry.pk}/remove/", {"reason": "误报"}, format="json").status_code == 403
    entry.refresh_from_db()
    assert entry.status == "proposed"


def test_other_agency_gets_404(other_reporter):
    """Entries of another agency are invisible: retrieve and actions answer 404."""
    entry = ListEntryFactory()
    client = api(other_reporter)
    assert client.get(f"/api/v1/list-entries/{entry.pk}/").status_code == 404
    assert client.post(f"/api/v1/list-entries/{entry.pk}/publish/").status_code == 404
    assert client.get("/api/v1/list-entries/").json()["results"] == []


def test_filters_by_list_campaign_and_agency(office_user):
    """The API filters with the same FilterSet as the page."""
    ListEntryFactory(subject__name="黑名单企业")
    ListEntryFactory(list="red", severity="", subject__name="红名单企业", campaign__number=8)
    client = api(office_user)
    names = [entry["name"] for entry in client.get("/api/v1/list-entries/", {"list": "red"}).json()["results"]]
    assert names == ["红名单企业"]
    response = client.get("/api/v1/list-entries/", {"deciding_agency": "区人力社保局", "campaign": 8})
    assert len(response.json()["results"]) == 2


@pytest.mark.parametrize("count", [1, 15])
def test_list_query_count_is_fixed(office_user, django_assert_num_queries, count):
    """The list API runs the same number of queries for 1 and for many entries."""
    ListEntryFactory.create_batch(count)
    client = api(office_user)
    with django_assert_num_queries(2):
        client.get("/api/v1/list-entries/")


def test_import_answers_201_with_count(reporter, media_root):
    """A valid workbook answers 201 with the number imported."""
    upload = SimpleUploadedFile("x.xlsx", workbook_bytes([row(), org_row(2)]))
    response = api(reporter).post("/api/v1/list-entries/import/", {"file": upload}, format="multipart")
    assert response.status_code == 201
    assert response.json()["imported"] == 2
    assert ListEntry.objects.filter(status="proposed").count() == 2


def test_import_answers_400_with_row_errors(reporter, media_root):
    """Bad rows answer 400 with errors [{row, column, message}] and nothing is written."""
    upload = SimpleUploadedFile("x.xlsx", workbook_bytes([row(), org_row(2, 失信等级="")]))
    response = api(reporter).post("/api/v1/list-entries/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 3, "column": "失信等级", "message": "黑名单必须选择失信等级（轻微、一般、较重、严重）。"}
    ]
    assert ListEntry.objects.count() == 0


def test_import_without_file_is_400(reporter):
    """A request without the multipart field ``file`` is refused clearly."""
    response = api(reporter).post("/api/v1/list-entries/import/", {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "请以 multipart 字段 file 上传 .xlsx 文件。"


# --- Repair applications ------------------------------------------------------------------------


def make_application(**values):
    entry = ListEntryFactory(status="published", publish_from=datetime.date(2025, 1, 11), **values)
    return RepairApplication.objects.create(
        entry=entry,
        grounds=["volunteer"],
        statement="参加志愿服务",
        commitment="承诺",
        commitment_signed_by="王五",
        applicant_name="王五",
        contact_phone="13800000000",
        query_code="QWERTYUPASDF",
        due_date=datetime.date(2025, 6, 16),
    )


def test_repair_applications_visible_to_office_and_deciding_agency(office_user, reporter, other_reporter):
    """The office and the deciding agency see an application; another agency does not."""
    application = make_application()
    body = api(office_user).get("/api/v1/repair-applications/").json()["results"]
    assert [(item["id"], item["grounds"], item["status"]) for item in body] == [
        (application.pk, ["volunteer"], "submitted")
    ]
    assert "query_code" not in body[0]
    assert len(api(reporter).get("/api/v1/repair-applications/").json()["results"]) == 1
    assert api(other_reporter).get("/api/v1/repair-applications/").json()["results"] == []
    assert api(other_reporter).get(f"/api/v1/repair-applications/{application.pk}/").status_code == 404


def test_decide_by_api(reporter, other_reporter):
    """The deciding agency approves through the API; the entry is repaired."""
    application = make_application()
    url = f"/api/v1/repair-applications/{application.pk}/decide/"
    assert api(other_reporter).post(url, {"decision": "approve", "reason": "同意"}, format="json").status_code == 404
    missing = api(reporter).post(url, {"decision": "approve"}, format="json")
    assert missing.status_code == 400
    assert missing.json() == {"reason": ["该字段是必填项。"]}
    response = api(reporter).post(url, {"decision": "approve", "reason": "已纠正"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert ListEntry.objects.get().status == "repaired"


def test_person_application_never_carries_full_id(office_user):
    """Repair applications of persons show no ID number at all."""
    make_application(subject=PersonFactory(id_number=FULL_ID))
    assert FULL_ID not in api(office_user).get("/api/v1/repair-applications/").content.decode()


def test_schema_documents_400_403_404(client):
    """The OpenAPI schema documents the error answers of the actions."""
    schema = client.get("/api/schema/", {"format": "json"}).json()
    publish = schema["paths"]["/api/v1/list-entries/{id}/publish/"]["post"]["responses"]
    assert {"200", "400", "403", "404"} <= set(publish)
    imported = schema["paths"]["/api/v1/list-entries/import/"]["post"]
    assert {"201", "400", "403"} <= set(imported["responses"])
    assert "multipart/form-data" in imported["requestBody"]["content"]
    create = schema["paths"]["/api/v1/list-entries/"]["post"]["responses"]
    assert {"201", "400", "403"} <= set(create)
    decide = schema["paths"]["/api/v1/repair-applications/{id}/decide/"]["post"]["responses"]
    assert {"200", "400", "403", "404"} <= set(decide)
    properties = schema["components"]["schemas"]["ListEntryRequest"]["properties"]
    assert "id_number" in properties


@pytest.mark.parametrize("count", [1, 6])
def test_repair_list_api_query_count_is_fixed(office_user, django_assert_num_queries, count):
    """The repair application API runs the same number of queries for 1 and for many."""
    for n in range(count):
        application = make_application()
        application.query_code = f"CODE{n:08d}"
        application.save()
    client = api(office_user)
    with django_assert_num_queries(3):
        client.get("/api/v1/repair-applications/")
