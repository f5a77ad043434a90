"""Journey 2: the office returns a report from the dashboard; the agency corrects it; the office accepts it."""

import pytest
from django.utils import timezone

from reports.selectors import default_task_month
from tests.browser.conftest import alert, login
from tests.browser.test_journey_report import CAMPAIGN, file_report
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

COMMENT = "追回金额与人社局台账不一致，请核实后重新提交。"


def open_from_dashboard(page, live_server, month) -> None:
    """The reviewer finds the submitted report on the month's dashboard and opens it from the review queue."""
    page.goto(f"{live_server.url}/dashboard/?month={month:%Y-%m}")
    assert page.get_by_role("heading", name="工作看板").is_visible()
    matrix = page.get_by_role("table", name="每格为该牵头单位本月报告的状态，点击可下发督办")
    cell = matrix.get_by_role("row").filter(has_text=CAMPAIGN).get_by_role("link", name="区人力社保局")
    assert any(f"区人力社保局 {state}" in cell.text_content() for state in ("已提交", "逾期提交"))
    page.locator(".card-body", has_text="待审核报告").get_by_role("link", name="1").click()
    assert page.get_by_role("heading", name="审核队列").is_visible()
    row = page.get_by_role("row").filter(has_text=CAMPAIGN).filter(has_text="区人力社保局")
    assert f"{month.year}年{month.month}月" in row.inner_text()
    row.get_by_role("link", name="审核").click()
    page.wait_for_load_state()


def test_office_returns_then_accepts_a_corrected_report(page, another_page, live_server, live_plan, shot):
    """A returned report carries the office's comment to the agency; resubmitted, the office accepts it."""
    from agencies.models import Agency

    UserFactory(username="hr-reporter", role="reporter", agency=Agency.objects.get(name="区人力社保局"))
    UserFactory(username="reviewer", role="office", agency=Agency.objects.office())
    month = default_task_month(timezone.localdate())

    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, "hr-reporter", PASSWORD)
    file_report(page, live_server, shot, work_done="开展欠薪专项检查。", next_plan="继续排查。")
    assert alert(page, "报告已提交，请等待区文明办审核。").is_visible()

    office = another_page()
    login(office, live_server, "reviewer", PASSWORD)
    open_from_dashboard(office, live_server, month)
    shot(office, "office-report")
    office.get_by_label("审核意见").fill(COMMENT)
    office.get_by_role("button", name="退回修改").click()
    office.wait_for_load_state()
    assert alert(office, "报告已退回区人力社保局修改。").is_visible()
    assert office.get_by_text("目前没有等待审核的报告。").is_visible()
    shot(office, "office-returned")

    page.goto(f"{live_server.url}/reports/")
    row = page.get_by_role("row").filter(has_text=CAMPAIGN)
    assert "已退回" in row.inner_text()
    assert COMMENT in row.inner_text()
    shot(page, "reporter-sees-returned")
    row.get_by_role("link", name="修改后重新提交").click()
    assert alert(page, f"区文明办退回意见：{COMMENT}").is_visible()
    page.get_by_label("追回金额（万元）").fill("52")
    shot(page, "reporter-corrects")
    page.get_by_role("button", name="保存并重新提交").click()
    page.wait_for_load_state()
    assert alert(page, "报告已提交，请等待区文明办审核。").is_visible()
    assert page.get_by_role("row", name="追回金额（万元） 52.00").is_visible()
    shot(page, "reporter-resubmitted")

    open_from_dashboard(office, live_server, month)
    assert office.get_by_role("row", name="追回金额（万元） 52.00").is_visible()
    assert COMMENT in office.get_by_text("上次退回意见：").locator("..").inner_text()
    office.get_by_role("button", name="审核通过").click()
    office.wait_for_load_state()
    assert alert(office, "报告已审核通过。").is_visible()
    shot(office, "office-accepted")

    page.goto(f"{live_server.url}/reports/")
    assert "已通过" in page.get_by_role("row").filter(has_text=CAMPAIGN).inner_text()
    shot(page, "reporter-sees-accepted")
    assert page.js_errors == []
    assert office.js_errors == []
