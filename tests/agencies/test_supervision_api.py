"""/api/v1/supervision-orders/: visibility, filters, issue, answer, close, send back."""

import datetime

import pytest

from agencies.models import Agency, SupervisionOrder
from tests.factories import SupervisionOrderFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/supervision-orders/"


@pytest.fixture
def orders(office_user, agency):
    own = SupervisionOrderFactory(agency=agency, issued_by=office_user, title="人社局整改")
    other = SupervisionOrderFactory(
        agency=Agency.objects.get(name="区民政局"), issued_by=office_user, title="民政局整改"
    )
    return own, other


def test_office_lists_all_reporter_only_own(office_client, orders, reporter):
    """The office sees every order; a reporter only its agency's."""
    assert sorted(o["title"] for o in office_client.get(API).json()["results"]) == ["人社局整改", "民政局整改"]
    office_client.force_login(reporter)
    body = office_client.get(API).json()
    assert [o["title"] for o in body["results"]] == ["人社局整改"]
    assert body["results"][0]["agency"] == "区人力社保局"


def test_other_agency_order_is_404(reporter_client, orders):
    """Another agency's order does not exist for a reporter: detail and actions answer 404."""
    _, other = orders
    assert reporter_client.get(f"{API}{other.pk}/").status_code == 404
    assert reporter_client.post(f"{API}{other.pk}/answer/", {"answer": "x"}).status_code == 404


def test_anonymous_gets_403(client, orders):
    """Without a login the API answers 403."""
    assert client.get(API).status_code == 403


def test_filters_by_agency_kind_state_and_month(office_client, office_user, agency):
    """?agency= (id, name or alias), ?kind=, ?state= and ?month=YYYY-MM filter the list."""
    SupervisionOrderFactory(agency=agency, issued_by=office_user, kind="reminder", title="催办", deadline=None)
    SupervisionOrderFactory(
        agency=agency, issued_by=office_user, title="四月", issued_on=datetime.date(2025, 4, 2), status="closed"
    )
    SupervisionOrderFactory(
        agency=Agency.objects.get(name="区行政审批局"), issued_by=office_user, title="审批", deadline=None
    )

    def titles(**params):
        return sorted(o["title"] for o in office_client.get(API, params).json()["results"])

    assert titles(kind="reminder") == ["催办"]
    assert titles(state="closed") == ["四月"]
    assert titles(state="pending") == sorted(["催办", "审批"])
    assert titles(month="2025-04") == ["四月"]
    assert titles(agency=agency.pk) == sorted(["四月", "催办"])
    assert titles(agency="区审批局") == ["审批"]  # an alias


def test_overdue_state_filter(office_client, office_user, agency):
    """?state=overdue lists orders past their deadline that still wait for the agency."""
    SupervisionOrderFactory(agency=agency, issued_by=office_user, title="超期", deadline=datetime.date(2025, 6, 5))
    SupervisionOrderFactory(
        agency=agency,
        issued_by=office_user,
        title="已答复",
        deadline=datetime.date(2025, 6, 5),
        status="answered",
    )
    body = office_client.get(API, {"state": "overdue"}).json()
    assert [(o["title"], o["deadline_colour"]) for o in body["results"]] == [("超期", "red")]


def test_bad_month_filter_is_400(office_client):
    """A malformed month is refused with the Chinese message."""
    response = office_client.get(API, {"month": "2025-5"})
    assert response.status_code == 400
    assert response.json() == {"month": ["月份格式应为 YYYY-MM，例如 2025-05。"]}


@pytest.mark.parametrize("count", [1, 25])
def test_list_query_count_is_fixed(office_client, office_user, agency, count, django_assert_num_queries):
    """The API list runs the same number of queries with 1 and with 25 orders."""
    for _ in range(count):
        SupervisionOrderFactory(agency=agency, issued_by=office_user)
    with django_assert_num_queries(7):
        response = office_client.get(API)
    assert response.json()["count"] == count


def test_office_issues_order(office_client, agency):
    """POST by the office issues an order: 201 with the order."""
    response = office_client.post(
        API,
        {
            "kind": "rectification",
            "agency": agency.pk,
            "campaign": 8,
            "title": "欠薪整改",
            "content": "限期整改",
            "deadline": "2099-01-31",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["status"], body["agency"], body["campaign"]) == (
        "rectification",
        "open",
        "区人力社保局",
        8,
    )


def test_issue_errors_are_400_with_messages(office_client, agency):
    """A rectification without a deadline is a 400 naming the field."""
    response = office_client.post(
        API,
        {"kind": "rectification", "agency": agency.pk, "title": "整改", "content": "请整改"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"deadline": ["限期整改必须规定办理期限。"]}


def test_reporter_cannot_issue(reporter_client, agency):
    """A reporter's POST is refused with 403."""
    response = reporter_client.post(
        API,
        {"kind": "commendation", "agency": agency.pk, "title": "表扬", "content": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not SupervisionOrder.objects.exists()


def test_answer_send_back_and_close_through_the_api(office_client, reporter, office_user, orders):
    """The agency answers, the office sends back, the agency answers again, the office closes."""
    own, _ = orders
    office_client.force_login(reporter)
    response = office_client.post(f"{API}{own.pk}/answer/", {"answer": "正在整改"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "answered"
    assert office_client.post(f"{API}{own.pk}/close/", {}, content_type="application/json").status_code == 403
    office_client.force_login(office_user)
    response = office_client.post(f"{API}{own.pk}/send-back/", {"comment": ""}, content_type="application/json")
    assert (response.status_code, response.json()) == (400, {"comment": ["退回时请填写退回意见。"]})
    response = office_client.post(
        f"{API}{own.pk}/send-back/", {"comment": "请写明金额"}, content_type="application/json"
    )
    assert response.json()["status"] == "returned"
    office_client.force_login(reporter)
    office_client.post(f"{API}{own.pk}/answer/", {"answer": "已追回 12 万元"}, content_type="application/json")
    office_client.force_login(office_user)
    response = office_client.post(f"{API}{own.pk}/close/", {"comment": "到位"}, content_type="application/json")
    body = response.json()
    assert (body["status"], body["office_comment"], body["closed_by"], body["answer"]) == (
        "closed",
        "到位",
        "office1",
        "已追回 12 万元",
    )
    response = office_client.post(f"{API}{own.pk}/close/", {}, content_type="application/json")
    assert (response.status_code, response.json()) == (400, {"detail": ["该督办事项已办结。"]})


def test_office_cannot_answer_through_api(office_client, orders):
    """The office never answers in the agency's name: 403."""
    own, _ = orders
    response = office_client.post(f"{API}{own.pk}/answer/", {"answer": "x"}, content_type="application/json")
    assert response.status_code == 403
