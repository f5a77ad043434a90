"""Journey 1: a reporter fills in and submits the month's report in a real browser."""

import pytest
from django.utils import timezone

from reports.selectors import default_task_month
from tests.browser.conftest import login
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

CAMPAIGN = "8. 开展拖欠工资问题专项治理"


def month_heading(month) -> str:
    return f"{month.year}年{month.month}月工作进展"


def file_report(page, live_server, shot, *, work_done: str, next_plan: str) -> None:
    """From "my tasks": start this month's report of campaign 8, fill every field and submit it."""
    page.goto(f"{live_server.url}/reports/")
    month = default_task_month(timezone.localdate())
    assert page.get_by_role("heading", name=month_heading(month)).is_visible()
    row = page.get_by_role("row").filter(has_text=CAMPAIGN)
    assert "未到期" in row.inner_text() or "逾期未报" in row.inner_text()
    shot(page, "my-tasks")
    row.get_by_role("button", name="开始填报").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").filter(has_text="已创建草稿，请填写后提交。").is_visible()
    assert page.get_by_role("heading", name=f"{month_heading(month)} · {CAMPAIGN}").is_visible()
    page.get_by_label("工作进展").fill(work_done)
    page.get_by_label("办理案件数").fill("12")
    page.get_by_label("列入名单数").fill("3")
    page.get_by_label("宣传活动次数").fill("2")
    page.get_by_label("追回金额（万元）").fill("45.5")
    page.get_by_label("存在问题").fill("无")
    page.get_by_label("下步计划").fill(next_plan)
    shot(page, "form-filled")
    page.get_by_role("button", name="保存并提交").click()
    page.wait_for_load_state()


def test_reporter_submits_this_months_report(page, live_server, live_plan, shot):
    """A reporter starts the month's report from "my tasks", fills it in, submits it and sees it submitted."""
    from agencies.models import Agency

    UserFactory(username="hr-reporter", role="reporter", agency=Agency.objects.get(name="区人力社保局"))
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, "hr-reporter", PASSWORD)
    file_report(page, live_server, shot, work_done="开展欠薪专项检查 12 次。", next_plan="继续排查在建工地。")

    assert page.get_by_role("alert").filter(has_text="报告已提交，请等待区文明办审核。").is_visible()
    status = page.locator("dt", has_text="状态").locator("xpath=following-sibling::dd[1]")
    assert status.inner_text().strip() in {"已提交", "逾期提交"}
    assert "开展欠薪专项检查 12 次。" in page.locator(".report-text").first.inner_text()
    assert page.get_by_role("row", name="追回金额（万元） 45.50").is_visible()
    assert page.get_by_role("button", name="提交报告").count() == 0
    shot(page, "submitted")

    page.get_by_role("link", name="我的任务").first.click()
    row = page.get_by_role("row").filter(has_text=CAMPAIGN)
    assert any(state in row.inner_text() for state in ("已提交", "逾期提交"))
    shot(page, "my-tasks-after")
    assert page.js_errors == []
