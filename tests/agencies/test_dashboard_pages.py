"""The office dashboard page, remind now, its Excel export and GET /api/v1/dashboard/."""

import datetime
import io
import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import SupervisionOrder
from campaigns.models import CampaignLead
from tests.agencies.conftest import at
from tests.factories import SupervisionOrderFactory

pytestmark = pytest.mark.django_db

MAY = datetime.date(2025, 5, 1)
URL = reverse("agencies:dashboard")


def test_office_sees_matrix_rates_ranking_and_overdue(office_client, make_report):
    """The dashboard shows the month's matrix, the trend data for the chart, the ranking and the overdue list."""
    make_report(8, "区人力社保局", MAY, status="accepted")
    make_report(8, "区发展改革委", MAY, status="submitted", submitted_at=at(datetime.date(2025, 6, 9)))
    response = office_client.get(URL, {"month": "2025-05"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025年5月工作进展，截止日期 2025-06-05" in html
    assert "区人力社保局 已通过" in html
    assert "区发展改革委 逾期提交" in html
    assert "区网信办 逾期未报" in html
    assert "立即催办" in html
    chart = json.loads(re.search(r'<script id="trend-data" type="application/json">(.*?)</script>', html).group(1))
    assert chart["labels"] == ["2025-05"]
    assert chart["submission"] == [round(200 / 53, 1)]
    assert response.context["data"].ranking[0].agency.name == "区人力社保局"


def test_dashboard_has_no_inline_script(office_client):
    """The Content Security Policy forbids inline scripts: every script is a file or JSON data."""
    html = office_client.get(URL).content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "vendor/chartjs/chart.umd.js" in html
    assert "js/dashboard.js" in html


def test_default_month_is_the_previous_month(office_client):
    """Without ?month the dashboard shows last month, whose reports fall due this month."""
    from django.utils import timezone

    today = timezone.localdate()
    expected = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    assert office_client.get(URL).context["data"].month == expected


@pytest.mark.parametrize(
    ("month", "message"),
    [("2025-13", "月份格式应为 YYYY-MM，例如 2025-05。"), ("2999-01", "不能查看尚未开始的月份。")],
)
def test_bad_month_is_explained(office_client, month, message):
    """A malformed or future month shows a Chinese message next to the month field."""
    response = office_client.get(URL, {"month": month})
    assert response.status_code == 200
    assert message in response.content.decode()


def _fill_months(count):
    """Reports of every owed (campaign, lead) for ``count`` months ending in May 2025."""
    from reports.models import Report, due_date_for

    links = list(CampaignLead.objects.exclude(agency__kind="office").values_list("campaign_id", "agency_id"))
    reports = []
    for offset in range(count):
        index = 2025 * 12 + 4 - offset
        month = datetime.date(index // 12, index % 12 + 1, 1)
        due = due_date_for(month)
        for position, (campaign_id, agency_id) in enumerate(links):
            status = ["accepted", "submitted", "returned", "draft"][position % 4]
            submitted = at(due) if status != "draft" else None
            reports.append(
                Report(
                    campaign_id=campaign_id,
                    agency_id=agency_id,
                    month=month,
                    due_date=due,
                    status=status,
                    submitted_at=submitted,
                )
            )
    Report.objects.bulk_create(reports)


@pytest.mark.parametrize("months", [1, 36])
def test_dashboard_query_count_does_not_grow_with_months(
    office_client, office_user, agency, months, django_assert_num_queries
):
    """The dashboard runs the same 14 queries with 1 and with 36 months of reports for every lead.

    Session and user (2), owed leads, the month's reports, open orders, the monthly aggregate,
    open rectifications, reminders sent, the review queue (7), the navbar's agency and unread
    notification count (2), and the session save in a savepoint (3).
    """
    _fill_months(months)
    for day in (1, 2, 3):
        SupervisionOrderFactory(agency=agency, issued_by=office_user, issued_on=datetime.date(2025, 6, day))
    with django_assert_num_queries(14):
        response = office_client.get(URL, {"month": "2025-05"})
    assert len(response.context["data"].trend) == min(months, 12)


def test_reporter_and_anonymous_cannot_see_dashboard(reporter_client, client):
    """The dashboard and its export are the office's: a reporter gets 403, an anonymous user the login page."""
    assert reporter_client.get(URL).status_code == 403
    assert reporter_client.get(reverse("agencies:dashboard_export")).status_code == 403
    reporter_client.logout()
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_remind_now_creates_reminder_and_emails(office_client, agency, reporter, django_capture_on_commit_callbacks):
    """Remind now (立即催办) on an overdue cell creates a 催办 order and e-mails the agency's reporters."""
    reporter.email = "hr@xiqing.example"
    reporter.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(
            reverse("agencies:dashboard_remind"), {"campaign": 8, "agency": agency.pk, "month": "2025-05"}, follow=True
        )
    assert response.redirect_chain[-1][0] == "/dashboard/?month=2025-05"
    order = SupervisionOrder.objects.get()
    assert (order.kind, order.agency, order.report_month) == ("reminder", agency, MAY)
    assert (
        f"已向区人力社保局发出催办（期限 {order.deadline:%Y-%m-%d}），邮件通知 1 个地址。" in response.content.decode()
    )
    assert mail.outbox[0].to == ["hr@xiqing.example"]
    overdue = next(
        i for i in response.context["data"].overdue if i.cell.campaign.number == 8 and i.cell.agency == agency
    )
    assert overdue.reminders == 1


def test_remind_now_refusal_is_shown(office_client, make_report, agency):
    """Reminding about a report already submitted is refused with the reason."""
    make_report(8, "区人力社保局", MAY, status="submitted")
    response = office_client.post(
        reverse("agencies:dashboard_remind"), {"campaign": 8, "agency": agency.pk, "month": "2025-05"}, follow=True
    )
    assert "区人力社保局已报送2025年5月的“开展拖欠工资问题专项治理”工作进展，无需催办。" in response.content.decode()
    assert not SupervisionOrder.objects.exists()


def test_reporter_cannot_remind(reporter_client, agency):
    """Only the office sends 催办: a reporter's POST answers 403 and writes nothing."""
    response = reporter_client.post(
        reverse("agencies:dashboard_remind"), {"campaign": 8, "agency": agency.pk, "month": "2025-05"}
    )
    assert response.status_code == 403
    assert not SupervisionOrder.objects.exists()


def test_remind_needs_post(office_client):
    """Remind now changes data, so GET is refused."""
    assert office_client.get(reverse("agencies:dashboard_remind")).status_code == 405


def test_dashboard_export_has_matrix_ranking_overdue_and_trend(office_client, make_report):
    """The Excel export holds the month's matrix, the ranking, the overdue list and the trend."""
    make_report(8, "区人力社保局", MAY, status="accepted")
    response = office_client.get(reverse("agencies:dashboard_export"), {"month": "2025-05"})
    assert response.status_code == 200
    assert "filename*=UTF-8''%E5%B7%A5%E4%BD%9C%E7%9C%8B%E6%9D%BF-2025-05.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["报送矩阵 2025-05", "单位排名", "逾期未报", "月度趋势"]
    matrix = list(workbook["报送矩阵 2025-05"].values)
    header = matrix[0]
    row8 = next(row for row in matrix if row[0] == 8)
    assert row8[header.index("区人力社保局")] == "已通过"
    assert row8[header.index("区发展改革委")] == "逾期未报"
    ranking = list(workbook["单位排名"].values)
    assert ranking[1][:2] == (1, "区人力社保局")
    assert len(list(workbook["逾期未报"].values)) == 1 + 52
    assert list(workbook["月度趋势"].values)[1][:3] == ("2025-05", 53, 1)


def test_dashboard_api_returns_matrix_rates_and_ranking(office_client, make_report):
    """GET /api/v1/dashboard/?month=YYYY-MM returns the matrix, the rates and the ranking as JSON."""
    make_report(8, "区人力社保局", MAY, status="accepted")
    response = office_client.get("/api/v1/dashboard/", {"month": "2025-05"})
    assert response.status_code == 200
    body = response.json()
    assert body["month"] == "2025-05"
    assert body["due_date"] == "2025-06-05"
    row8 = next(row for row in body["matrix"] if row["campaign"] == 8)
    assert {c["agency"]: c["state"] for c in row8["cells"]} == {"区发展改革委": "overdue", "区人力社保局": "accepted"}
    assert body["rates"][-1]["month"] == "2025-05"
    assert body["rates"][-1]["submitted"] == 1
    assert body["ranking"][0]["agency"] == "区人力社保局"
    assert body["ranking"][0]["score"] == 70.0  # on time 1 of 2 owed × 60 + accepted 1 of 1 × 40
    assert body["state_counts"] == {"accepted": 1, "overdue": 52}


def test_dashboard_api_refuses_bad_month(office_client):
    """A malformed month is a 400 with the Chinese message."""
    response = office_client.get("/api/v1/dashboard/", {"month": "May"})
    assert response.status_code == 400
    assert response.json() == {"month": ["月份格式应为 YYYY-MM，例如 2025-05。"]}


def test_dashboard_api_is_for_the_office(reporter_client, client):
    """A reporter gets 403 from the dashboard API; so does an anonymous caller."""
    assert reporter_client.get("/api/v1/dashboard/").status_code == 403
    reporter_client.logout()
    assert client.get("/api/v1/dashboard/").status_code == 403
