"""Journey 3: the office orders an overdue agency to rectify (限期整改); the agency answers; the office sees it."""

import datetime

import pytest
from django.utils import timezone

from agencies.selectors import add_months
from tests.browser.conftest import alert, login
from tests.browser.test_journey_report import CAMPAIGN
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

TITLE = "拖欠工资专项治理月报逾期未报"
ANSWER = "已补报月度报告，并明确专人负责按月报送。"


def status(page) -> str:
    """The order's status badge under its heading."""
    return page.locator("main p .badge.text-bg-secondary").first.inner_text()


def test_rectification_order_is_answered_and_the_office_sees_the_answer(
    page, another_page, live_server, live_plan, shot
):
    """An order issued from the dashboard's overdue list reaches the agency, whose answer the office reads."""
    from agencies.models import Agency

    UserFactory(username="reviewer", role="office", agency=Agency.objects.office())
    UserFactory(username="hr-reporter", role="reporter", agency=Agency.objects.get(name="区人力社保局"))
    today = timezone.localdate()
    month = add_months(today.replace(day=1), -2)  # its due date has passed, whatever today is
    deadline = today + datetime.timedelta(days=10)

    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, "reviewer", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/?month={month:%Y-%m}")
    overdue = page.locator("section", has=page.get_by_role("heading", name="逾期未报"))
    row = overdue.get_by_role("row").filter(has_text=CAMPAIGN).filter(has_text="区人力社保局")
    shot(page, "dashboard")
    row.get_by_role("link", name="限期整改").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="下发督办事项").is_visible()
    assert page.get_by_text(f"所涉报告月份 {month.year}年{month.month}月").is_visible()
    assert page.get_by_label("督办类型").input_value() == "rectification"
    assert page.get_by_label("被督办单位").locator("option:checked").inner_text() == "区人力社保局"
    assert "开展拖欠工资问题专项治理" in page.get_by_label("专项治理").locator("option:checked").inner_text()
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("督办内容").fill("请于期限内补报月度报告并说明逾期原因。")
    page.get_by_label("办理期限").fill(f"{deadline:%Y-%m-%d}")
    shot(page, "order-form")
    page.get_by_role("button", name="下发").click()
    page.wait_for_load_state()
    assert alert(page, "督办事项已下发，已邮件通知该单位。").is_visible()
    assert page.get_by_role("heading", name=f"限期整改：{TITLE}").is_visible()
    assert status(page) == "待答复"
    assert page.get_by_text("单位尚未答复。").is_visible()
    order_url = page.url
    shot(page, "order-issued")

    agency = another_page()
    login(agency, live_server, "hr-reporter", PASSWORD)
    agency.goto(f"{live_server.url}/reports/")
    pending = agency.locator("section", has=agency.get_by_role("heading", name="待答复的督办事项"))
    item = pending.get_by_role("listitem").filter(has_text=f"限期整改：{TITLE}")
    assert f"办理期限 {deadline:%Y-%m-%d}" in item.inner_text()
    shot(agency, "agency-my-tasks")
    item.get_by_role("link", name=f"限期整改：{TITLE}").click()
    agency.get_by_label("答复内容").fill(ANSWER)
    shot(agency, "agency-answer-form")
    agency.get_by_role("button", name="提交答复").click()
    agency.wait_for_load_state()
    assert alert(agency, "答复已提交，等待区文明办审核。").is_visible()
    assert status(agency) == "已答复待审核"
    assert agency.get_by_role("button", name="提交答复").count() == 0
    shot(agency, "agency-answered")
    agency.goto(f"{live_server.url}/reports/")
    assert agency.get_by_text("没有待答复的督办事项。").is_visible()

    page.goto(order_url)
    assert status(page) == "已答复待审核"
    answer = page.locator(".card", has_text=ANSWER)
    assert "hr-reporter" in answer.inner_text()
    shot(page, "office-sees-answer")
    page.get_by_label("办结意见").fill("整改到位。")
    page.get_by_role("button", name="办结").click()
    page.wait_for_load_state()
    assert alert(page, "督办事项已办结。").is_visible()
    assert status(page) == "已办结"
    shot(page, "office-closed")
    assert page.js_errors == []
    assert agency.js_errors == []
