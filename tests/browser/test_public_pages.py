"""A visitor reads the plan's campaigns in a real browser, on a desktop and on a phone."""

import pytest

pytestmark = pytest.mark.browser


def test_visitor_reads_campaigns_and_a_campaign_page(page, live_server, live_plan, shot):
    """The campaigns list shows the plan's leads; a campaign page shows its full text; no JS errors."""
    page.goto(f"{live_server.url}/")
    shot(page, "home")
    page.get_by_role("link", name="查看专项治理行动").click()
    assert page.get_by_role("heading", name="专项治理行动").is_visible()
    row = page.get_by_role("row").filter(has_text="开展拖欠工资问题专项治理")
    assert "区发展改革委、区人力社保局" in row.inner_text()
    shot(page, "campaigns")
    page.get_by_role("link", name="开展拖欠工资问题专项治理").click()
    assert page.title().startswith("开展拖欠工资问题专项治理")
    assert "农民工实名盾" in page.locator("blockquote").inner_text()
    shot(page, "campaign-8")
    assert page.js_errors == []


def test_layout_works_on_a_phone(browser, live_server, live_plan, shot):
    """On a phone-sized screen the navigation collapses behind a button that opens it."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/campaigns/")
    toggler = page.get_by_role("button", name="展开导航")
    assert toggler.is_visible()
    toggler.click()
    page.get_by_role("link", name="工作人员登录").wait_for(state="visible")
    shot(page, "phone-nav-open")
    context.close()
