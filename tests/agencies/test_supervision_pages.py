"""Supervision order pages: list, issue, detail with answer/close/send back/interview/escalate, export, nav."""

import datetime
import io

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from agencies.models import Agency, SupervisionOrder
from tests.factories import SupervisionOrderFactory

pytestmark = pytest.mark.django_db

LIST = reverse("agencies:order_list")


@pytest.fixture
def orders(office_user, agency):
    """One order for 区人力社保局 and one for 区民政局."""
    own = SupervisionOrderFactory(agency=agency, issued_by=office_user, title="人社局整改")
    other = SupervisionOrderFactory(
        agency=Agency.objects.get(name="区民政局"), issued_by=office_user, title="民政局整改"
    )
    return own, other


def test_office_lists_every_order(office_client, orders):
    """The office sees the orders of every agency."""
    html = office_client.get(LIST).content.decode()
    assert "人社局整改" in html and "民政局整改" in html
    assert "下发督办" in html


def test_reporter_lists_only_own_orders(reporter_client, orders):
    """An agency sees its own orders and nobody else's."""
    response = reporter_client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "人社局整改" in html and "民政局整改" not in html
    assert "下发督办" not in html


def test_list_filters_by_kind_state_agency_and_month(office_client, office_user, agency):
    """The list filters by agency, kind, state and month of issue."""
    SupervisionOrderFactory(agency=agency, issued_by=office_user, kind="reminder", title="五月催办", deadline=None)
    SupervisionOrderFactory(
        agency=agency,
        issued_by=office_user,
        title="四月整改",
        issued_on=datetime.date(2025, 4, 3),
        status="closed",
    )
    SupervisionOrderFactory(agency=Agency.objects.get(name="区民政局"), issued_by=office_user, title="民政整改")

    def titles(**params):
        return [order.title for order in office_client.get(LIST, params).context["page"]]

    assert titles(kind="reminder") == ["五月催办"]
    assert titles(state="closed") == ["四月整改"]
    assert titles(month="2025-04") == ["四月整改"]
    assert sorted(titles(agency=str(agency.pk))) == ["五月催办", "四月整改"]
    assert titles(agency="区民政局") == ["民政整改"]


def test_list_marks_deadline_colours(office_client, office_user, agency):
    """Open orders carry their deadline colour: red once overdue."""
    SupervisionOrderFactory(
        agency=agency, issued_by=office_user, issued_on=datetime.date(2025, 1, 1), deadline=datetime.date(2025, 1, 5)
    )
    html = office_client.get(LIST).content.decode()
    assert 'class="deadline-red"' in html
    assert '<span class="badge text-bg-danger">已超期</span>' in html


@pytest.mark.parametrize("count", [1, 30])
def test_list_query_count_is_fixed(office_client, office_user, agency, count, django_assert_num_queries):
    """The order list runs the same 10 queries with 1 and with 30 orders.

    Session, user, count, agency choices of the filter, navbar agency, unread notification count, the
    page of orders, session save (3).
    """
    for _ in range(count):
        SupervisionOrderFactory(agency=agency, issued_by=office_user)
    with django_assert_num_queries(10):
        office_client.get(LIST)


def test_office_issues_order_from_prefilled_form(office_client, agency, reporter, make_report):
    """The dashboard's link prefills the form; posting it issues the order and opens its page."""
    report = make_report(8, "区人力社保局", datetime.date(2025, 5, 1), status="returned")
    response = office_client.get(
        reverse("agencies:order_create"),
        {"kind": "interview", "agency": agency.pk, "report": report.pk, "report_month": "2025-05-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].initial["kind"] == "interview"
    response = office_client.post(
        reverse("agencies:order_create"),
        {
            "kind": "interview",
            "agency": agency.pk,
            "report": report.pk,
            "report_month": "2025-05-01",
            "title": "约谈主要负责同志",
            "content": "连续两月报告被退回",
            "interview_date": "2025-06-20",
            "interviewee": "李某（局长）",
        },
        follow=True,
    )
    order = SupervisionOrder.objects.get()
    assert response.redirect_chain[-1][0] == f"/supervision/{order.pk}/"
    assert (order.kind, order.report, order.campaign.number, order.interviewee) == (
        "interview",
        report,
        8,
        "李某（局长）",
    )
    assert "督办事项已下发，已邮件通知该单位。" in response.content.decode()


def test_issue_form_shows_errors_next_to_fields(office_client, agency):
    """A rectification without a deadline is refused with the message next to the deadline field."""
    response = office_client.post(
        reverse("agencies:order_create"),
        {"kind": "rectification", "agency": agency.pk, "title": "整改", "content": "请整改"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_deadline_errors"' in html
    assert "限期整改必须规定办理期限。" in html
    assert not SupervisionOrder.objects.exists()


def test_reporter_cannot_issue(reporter_client, agency):
    """The issue form is the office's: a reporter gets 403 on GET and POST."""
    assert reporter_client.get(reverse("agencies:order_create")).status_code == 403
    response = reporter_client.post(
        reverse("agencies:order_create"),
        {"kind": "commendation", "agency": agency.pk, "title": "表扬", "content": "自我表扬"},
    )
    assert response.status_code == 403
    assert not SupervisionOrder.objects.exists()


def test_reporter_answers_own_order_in_browser(reporter_client, orders):
    """The agency answers its order; the page then shows the answer and waits for the office."""
    own, _ = orders
    page = reporter_client.get(own.get_absolute_url())
    assert "提交答复" in page.content.decode()
    response = reporter_client.post(
        reverse("agencies:order_answer", args=[own.pk]), {"answer": "已追回工资 12 万元"}, follow=True
    )
    html = response.content.decode()
    assert "答复已提交，等待区文明办审核。" in html
    assert "已追回工资 12 万元" in html
    own.refresh_from_db()
    assert own.status == "answered"


def test_empty_answer_shows_message_next_to_field(reporter_client, orders):
    """An empty answer is refused with the message next to the answer field."""
    own, _ = orders
    response = reporter_client.post(reverse("agencies:order_answer", args=[own.pk]), {"answer": ""})
    assert response.status_code == 200
    assert "请填写答复内容。" in response.content.decode()
    own.refresh_from_db()
    assert own.status == "open"


def test_other_agency_order_is_404(reporter_client, orders):
    """Another agency's order does not exist for a reporter: page, answer."""
    _, other = orders
    assert reporter_client.get(other.get_absolute_url()).status_code == 404
    assert reporter_client.post(reverse("agencies:order_answer", args=[other.pk]), {"answer": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.status == "open"


@pytest.mark.parametrize("action", ["order_close", "order_send_back", "order_interview", "order_escalate"])
def test_reporter_cannot_use_office_actions(reporter_client, orders, action):
    """Closing, sending back, interview minutes and escalation are the office's: 403 for a reporter."""
    own, _ = orders
    response = reporter_client.post(reverse(f"agencies:{action}", args=[own.pk]), {"comment": "x", "content": "x"})
    assert response.status_code == 403


def test_office_cannot_answer(office_client, orders):
    """The office does not answer in the agency's name."""
    own, _ = orders
    assert office_client.post(reverse("agencies:order_answer", args=[own.pk]), {"answer": "x"}).status_code == 403


def test_office_sends_back_and_closes(office_client, reporter, orders):
    """The office sends a weak answer back with a comment, then closes it after the new answer."""
    from agencies import services

    own, _ = orders
    services.supervision_order_answer(actor=reporter, order=own, answer="正在整改")
    response = office_client.post(reverse("agencies:order_send_back", args=[own.pk]), {"comment": ""})
    assert "退回时请填写退回意见。" in response.content.decode()
    response = office_client.post(
        reverse("agencies:order_send_back", args=[own.pk]), {"comment": "请写明追回金额"}, follow=True
    )
    assert "已退回，单位需重新答复。" in response.content.decode()
    services.supervision_order_answer(actor=reporter, order=own, answer="已追回 12 万元")
    response = office_client.post(reverse("agencies:order_close", args=[own.pk]), {"comment": "整改到位"}, follow=True)
    html = response.content.decode()
    assert "督办事项已办结。" in html
    assert "整改到位" in html
    # the history table shows who changed what, old and new values
    assert "正在整改" in html and "已追回 12 万元" in html
    assert "已退回待重新答复" in html


def test_closing_open_rectification_shows_reason(office_client, orders):
    """Closing a rectification nobody answered is refused with the reason on the page."""
    own, _ = orders
    response = office_client.post(reverse("agencies:order_close", args=[own.pk]), {"comment": ""})
    assert "限期整改须待单位答复整改情况后方可办结。" in response.content.decode()


def test_office_records_interview_and_escalates(office_client, office_user, agency, orders):
    """The office records an interview's minutes, and escalates a rectification done poorly."""
    interview = SupervisionOrderFactory(
        agency=agency,
        issued_by=office_user,
        kind="interview",
        interview_date=datetime.date(2025, 6, 12),
        interviewee="王某（局长）",
    )
    response = office_client.post(
        reverse("agencies:order_interview", args=[interview.pk]),
        {"interview_date": "2025-06-13", "interviewee": "王某（局长）", "interview_minutes": "单位表态一周内补报"},
        follow=True,
    )
    assert "约谈纪要已保存。" in response.content.decode()
    interview.refresh_from_db()
    assert interview.interview_minutes == "单位表态一周内补报"
    own, _ = orders
    response = office_client.post(
        reverse("agencies:order_escalate", args=[own.pk]), {"content": "逾期未整改"}, follow=True
    )
    escalation = SupervisionOrder.objects.get(kind="escalation")
    assert response.redirect_chain[-1][0] == escalation.get_absolute_url()
    assert "已报区不作为不担当领导小组。" in response.content.decode()


def test_order_export_follows_visibility_and_keeps_formulas_as_text(reporter_client, office_user, agency, orders):
    """The Excel export holds the orders the user may see; text starting with = stays text."""
    SupervisionOrderFactory(agency=agency, issued_by=office_user, title="=HYPERLINK(1)")
    response = reporter_client.get(reverse("agencies:order_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["督办事项"]
    rows = list(sheet.values)
    assert rows[0][:5] == ("编号", "督办类型", "状态", "期限提示", "被督办单位")
    titles = sorted(row[7] for row in rows[1:])
    assert titles == ["=HYPERLINK(1)", "人社局整改"]
    formula_cell = next(c for c in sheet["H"] if c.value == "=HYPERLINK(1)")
    assert formula_cell.data_type == "s"


def test_anonymous_is_sent_to_login(client, orders):
    """Supervision pages need a login."""
    own, _ = orders
    for url in (LIST, own.get_absolute_url(), reverse("agencies:order_export")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_pending_orders_partial_shows_own_waiting_orders(reporter, office_user, agency, orders):
    """The "my tasks" partial lists the agency's orders waiting for its answer, with deadline colours."""
    SupervisionOrderFactory(agency=agency, issued_by=office_user, title="已办结的", status="closed")
    today = timezone.localdate()
    SupervisionOrderFactory(
        agency=agency,
        issued_by=office_user,
        title="明天到期",
        issued_on=today,
        deadline=today + datetime.timedelta(days=1),
    )
    html = render_to_string("agencies/_pending_orders.html", {"user": reporter})
    assert "人社局整改" in html and "明天到期" in html
    assert "民政局整改" not in html and "已办结的" not in html
    assert "三日内到期" in html
    assert "已超期" in html  # 人社局整改 was due 2025-06-11


def test_pending_orders_partial_is_empty_for_office(office_user, orders):
    """The partial is a reporter's; for anyone else it lists nothing."""
    html = render_to_string("agencies/_pending_orders.html", {"user": office_user})
    assert "没有待答复的督办事项。" in html


def test_nav_links_by_role(office_client):
    """The office's nav has 工作看板 and 督查督办; a reporter's has 督办事项."""
    html = office_client.get("/").content.decode()
    assert 'href="/dashboard/">工作看板' in html and 'href="/supervision/">督查督办' in html


def test_reporter_nav(reporter_client):
    """A reporter sees 督办事项 and no dashboard link."""
    html = reporter_client.get("/").content.decode()
    assert 'href="/supervision/">督办事项' in html
    assert "/dashboard/" not in html
