"""The reports API: /api/v1/reports/ with its filters, lifecycle actions, history and schema."""

import datetime

import pytest
from django.utils import timezone

from agencies.models import Agency
from campaigns.models import Campaign
from reports import services
from reports.models import Report, due_date_for
from tests.reports.conftest import FILLED, MARCH, PDF, TODAY, shanghai, upload

pytestmark = pytest.mark.django_db

API = "/api/v1/reports/"
JSON = "application/json"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type=JSON)


def patch(client, url, data):
    return client.patch(url, data, content_type=JSON)


# --- Opening ---------------------------------------------------------------------------------------------


def test_reporter_opens_a_draft(reporter_client):
    """POST {"campaign": 8, "month": "2026-03"} creates the draft and answers 201 with its fields."""
    response = post(reporter_client, API, {"campaign": 8, "month": "2026-03"})
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("campaign", "agency", "month", "status", "due_date", "submitted_at", "is_late")} == {
        "campaign": 8,
        "agency": "区人力社保局",
        "month": "2026-03",
        "status": "draft",
        "due_date": "2026-04-05",
        "submitted_at": None,
        "is_late": False,
    }
    assert Report.objects.get().pk == body["id"]


def test_opening_twice_is_refused_with_a_clear_message(reporter_client, draft):
    """The same report opened again answers 400 saying it exists."""
    response = post(reporter_client, API, {"campaign": 8, "month": "2026-03"})
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [f"第 8 项2026年3月的报告已经存在（报告编号 {draft.pk}），请直接打开继续填写。"]
    }


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"campaign": 9, "month": "2026-03"},
            {"campaign": ["贵单位不是第 9 项“开展“不合理低价游”专项治理”的牵头单位，无需填报该项报告。"]},
        ),
        ({"campaign": 999, "month": "2026-03"}, {"campaign": ["专项治理编号 999 不存在。"]}),
        ({"campaign": 8, "month": "2026-3"}, {"month": ["月份格式应为 YYYY-MM，例如 2026-03。"]}),
        ({"campaign": 8, "month": "2026-13"}, {"month": ["月份格式应为 YYYY-MM，例如 2026-03。"]}),
        ({"campaign": 8, "month": 202603}, {"month": ["月份格式应为 YYYY-MM，例如 2026-03。"]}),
        ({"campaign": 8, "month": "0000-01"}, {"month": ["月份格式应为 YYYY-MM，例如 2026-03。"]}),
        ({"campaign": 8, "month": "2099-01"}, {"month": ["2099年1月尚未开始，不能填报。"]}),
    ],
)
def test_opening_is_refused_with_field_errors(reporter_client, data, errors):
    """A campaign the agency does not lead, an unknown campaign or a bad month answers 400 with the reason."""
    response = post(reporter_client, API, data)
    assert (response.status_code, response.json()) == (400, errors)
    assert not Report.objects.exists()


# --- Reading and filtering ----------------------------------------------------------------------------------


@pytest.fixture
def several(submitted, reporter, ndrc_reporter, campaign8, campaign13):
    """区人力社保局: 8 submitted on time (March), 13 draft (February); 区发展改革委: 8 submitted late (March)."""
    services.report_open(actor=reporter, campaign=campaign13, month=datetime.date(2026, 2, 1), today=TODAY)
    late = services.report_open(actor=ndrc_reporter, campaign=campaign8, month=MARCH, today=TODAY)
    services.report_update(actor=ndrc_reporter, report=late, data=FILLED)
    services.report_submit(actor=ndrc_reporter, report=late, now=shanghai(2026, 4, 6, 0, 0, 0))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, [("2026-03", 8, "区发展改革委"), ("2026-03", 8, "区人力社保局"), ("2026-02", 13, "区人力社保局")]),
        ({"month": "2026-02"}, [("2026-02", 13, "区人力社保局")]),
        ({"campaign": 13}, [("2026-02", 13, "区人力社保局")]),
        ({"agency": "区发展改革委"}, [("2026-03", 8, "区发展改革委")]),
        ({"status": "draft"}, [("2026-02", 13, "区人力社保局")]),
        ({"is_late": "true"}, [("2026-03", 8, "区发展改革委")]),
        ({"is_late": "false", "month": "2026-03"}, [("2026-03", 8, "区人力社保局")]),
        (
            {"month": "2026-03", "campaign": 8, "agency": "区人力社保局", "status": "submitted"},
            [("2026-03", 8, "区人力社保局")],
        ),
    ],
)
def test_filters(office_client, several, params, expected):
    """month (YYYY-MM), campaign (number), agency (name), status and is_late filter the list."""
    response = office_client.get(API, params)
    assert response.status_code == 200
    rows = [(r["month"], r["campaign"], r["agency"]) for r in response.json()["results"]]
    assert sorted(rows, reverse=True) == sorted(expected, reverse=True)


def test_agency_filter_accepts_an_alias(office_client, office_user):
    """?agency=区审批局 finds the reports of 区行政审批局."""
    from tests.factories import UserFactory

    approvals = UserFactory(agency=Agency.objects.get(name="区行政审批局"), role="reporter", username="approvals1")
    services.report_open(actor=approvals, campaign=Campaign.objects.get(number=4), month=MARCH, today=TODAY)
    response = office_client.get(API, {"agency": "区审批局"})
    assert [r["agency"] for r in response.json()["results"]] == ["区行政审批局"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"month": "2026-3"}, "month", "月份格式应为 YYYY-MM，例如 2026-03。"),
        ({"month": "9999-12"}, "month", "月份格式应为 YYYY-MM，例如 2026-03。"),
        ({"status": "late"}, "status", "选择一个有效的选项。 late 不在可用的选项中。"),
        ({"campaign": "八"}, "campaign", "输入一个数字。"),
    ],
)
def test_bad_filters_answer_400(office_client, params, field, message):
    """A malformed filter answers 400 naming the parameter, in Chinese."""
    response = office_client.get(API, params)
    assert (response.status_code, response.json()) == (400, {field: [message]})


def test_is_late_filter_uses_the_shanghai_day_in_the_database(office_client, filled, reporter):
    """In SQL too, 00:00:00 on the 6th in Shanghai (16:00 UTC on the 5th) is late for a report due the 5th."""
    services.report_submit(actor=reporter, report=filled, now=datetime.datetime(2026, 4, 5, 16, 0, tzinfo=datetime.UTC))
    assert [r["is_late"] for r in office_client.get(API, {"is_late": "true"}).json()["results"]] == [True]
    Report.objects.update(submitted_at=datetime.datetime(2026, 4, 5, 15, 59, 59, tzinfo=datetime.UTC))
    assert office_client.get(API, {"is_late": "true"}).json()["results"] == []


def test_retrieve_shows_the_fields_the_issue_names(reporter_client, submitted):
    """A report carries campaign number, agency, month, status, texts, submitted_at (Shanghai time) and is_late."""
    body = reporter_client.get(f"{API}{submitted.pk}/").json()
    assert {k: body[k] for k in ("campaign", "agency", "month", "status", "state", "is_late")} == {
        "campaign": 8,
        "agency": "区人力社保局",
        "month": "2026-03",
        "status": "submitted",
        "state": "submitted",
        "is_late": False,
    }
    assert (body["work_done"], body["problems"], body["next_plan"]) == (
        FILLED["work_done"],
        FILLED["problems"],
        FILLED["next_plan"],
    )
    assert body["submitted_at"] == "2026-04-03T10:00:00+08:00"


def test_list_and_detail_query_counts_do_not_grow(office_client, django_assert_num_queries, reporter, court_reporter):
    """The list costs the same with one report and with 60; so does a report with many parts."""
    ndrc = Agency.objects.get(name="区发展改革委")
    from tests.reports.test_views import bulk_reports, months_back

    report = services.report_open(actor=reporter, campaign=Campaign.objects.get(number=8), month=MARCH, today=TODAY)
    services.attachment_add(actor=reporter, report=report, upload=upload("a.pdf", PDF))
    services.contribution_save(actor=court_reporter, report=report, text="协办")
    with django_assert_num_queries(10):
        office_client.get(API)
    with django_assert_num_queries(9):
        office_client.get(f"{API}{report.pk}/")
    bulk_reports(ndrc, months_back(datetime.date(2026, 2, 1), 3))
    for n in range(3):
        services.attachment_add(actor=reporter, report=report, upload=upload(f"{n}.pdf", PDF))
    with django_assert_num_queries(10):
        response = office_client.get(API)
    assert response.json()["count"] == 76
    with django_assert_num_queries(9):
        office_client.get(f"{API}{report.pk}/")


# --- Writing through the lifecycle ------------------------------------------------------------------------------


def test_whole_lifecycle_through_the_api(client, reporter, office_user, wage_indicators):
    """Open, fill in, submit, return with comment, correct, resubmit, accept; then read the history."""
    workers, money = wage_indicators
    client.force_login(reporter)
    report_id = post(client, API, {"campaign": 8, "month": "2026-03"}).json()["id"]
    url = f"{API}{report_id}/"
    response = patch(
        client,
        url,
        {**FILLED, "money_recovered": "12.50", "indicators": [{"indicator": workers.pk, "value": "35"}]},
    )
    assert response.status_code == 200
    assert response.json()["indicators"] == [
        {"indicator": workers.pk, "name": "涉及农民工人数", "unit": "人", "value": "35.00"}
    ]
    assert response.json()["money_recovered"] == "12.50"
    submitted = post(client, f"{url}submit/").json()
    assert (submitted["status"], submitted["is_late"]) == ("submitted", timezone.localdate() > due_date_for(MARCH))
    client.force_login(office_user)
    assert post(client, f"{url}return/", {"comment": ""}).json() == {
        "comment": ["退回报告时必须填写审核意见，说明需要修改的内容。"]
    }
    returned = post(client, f"{url}return/", {"comment": "请补充追讨金额。"}).json()
    assert (returned["status"], returned["review_comment"], returned["reviewed_by"]) == (
        "returned",
        "请补充追讨金额。",
        "office1",
    )
    client.force_login(reporter)
    patch(client, url, {"indicators": [{"indicator": money.pk, "value": "8.5"}]})
    assert post(client, f"{url}submit/").json()["status"] == "submitted"
    client.force_login(office_user)
    assert post(client, f"{url}accept/").json()["status"] == "accepted"
    history = client.get(f"{url}history/").json()
    assert [entry["action"] for entry in history if entry["subject"] == "报告"] == [
        "审核通过",
        "重新提交",
        "退回",
        "提交",
        "保存",
        "创建草稿",
    ]
    returned_entry = next(e for e in history if e["action"] == "退回")
    assert {"field": "状态", "old": "已提交", "new": "已退回"} in returned_entry["changes"]
    assert returned_entry["user"] == "office1"


def test_patch_with_a_bad_indicator_answers_400_and_saves_nothing(reporter_client, draft, wage_indicators):
    """An out-of-range indicator answers 400 keyed by the indicator's id; the text sent with it is not saved."""
    workers, _ = wage_indicators
    response = patch(
        reporter_client,
        f"{API}{draft.pk}/",
        {"work_done": "新内容", "indicators": [{"indicator": workers.pk, "value": "6000"}]},
    )
    assert (response.status_code, response.json()) == (
        400,
        {"indicators": {str(workers.pk): ["“涉及农民工人数”不能大于 5000。"]}},
    )
    draft.refresh_from_db()
    assert draft.work_done == ""


def test_patch_refuses_negative_figures(reporter_client, draft):
    """Negative counts answer 400."""
    response = patch(reporter_client, f"{API}{draft.pk}/", {"cases_handled": -1})
    assert response.status_code == 400
    assert list(response.json()) == ["cases_handled"]


def test_submit_of_an_incomplete_report_answers_400(reporter_client, draft):
    """Submitting without work done and plan answers 400 naming both fields."""
    response = post(reporter_client, f"{API}{draft.pk}/submit/")
    assert (response.status_code, response.json()) == (
        400,
        {"work_done": ["提交前请填写本月工作进展。"], "next_plan": ["提交前请填写下步计划。"]},
    )


def test_put_and_delete_are_not_offered(reporter_client, draft):
    """Reports are changed with PATCH only and never deleted."""
    assert reporter_client.put(f"{API}{draft.pk}/", {}, content_type=JSON).status_code == 405
    assert reporter_client.delete(f"{API}{draft.pk}/").status_code == 405


def test_participant_posts_its_contribution(client, draft, court_reporter):
    """A participating agency adds its 协办情况 through the API."""
    client.force_login(court_reporter)
    response = post(client, f"{API}{draft.pk}/contribution/", {"text": "审结欠薪案件 5 件。"})
    assert response.status_code == 200
    assert [(c["agency"], c["text"]) for c in response.json()["contributions"]] == [
        ("区人民法院", "审结欠薪案件 5 件。")
    ]


def test_unknown_report_is_404(reporter_client):
    """A report id that does not exist answers 404."""
    assert reporter_client.get(f"{API}999999/").status_code == 404
    assert post(reporter_client, f"{API}999999/submit/").status_code == 404


# --- OpenAPI -----------------------------------------------------------------------------------------------


def test_schema_documents_every_report_endpoint_with_its_errors(client):
    """The schema lists each reports endpoint with (at least) 400/403/404 where they can happen."""
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    expected = {
        ("/api/v1/reports/", "get"): {"200", "400", "403", "404"},
        ("/api/v1/reports/", "post"): {"201", "400", "403"},
        ("/api/v1/reports/{id}/", "get"): {"200", "403", "404"},
        ("/api/v1/reports/{id}/", "patch"): {"200", "400", "403", "404"},
        ("/api/v1/reports/{id}/submit/", "post"): {"200", "400", "403", "404"},
        ("/api/v1/reports/{id}/return/", "post"): {"200", "400", "403", "404"},
        ("/api/v1/reports/{id}/accept/", "post"): {"200", "400", "403", "404"},
        ("/api/v1/reports/{id}/contribution/", "post"): {"200", "400", "403", "404"},
        ("/api/v1/reports/{id}/history/", "get"): {"200", "403", "404"},
    }
    for (path, method), codes in expected.items():
        assert codes <= set(paths[path][method]["responses"]), (path, method)
    month = next(p for p in paths["/api/v1/reports/"]["get"]["parameters"] if p["name"] == "month")
    assert month["schema"]["pattern"] == r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"
