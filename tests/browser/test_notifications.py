"""Staff read their reminders in a real browser: the bell in the header, the list, mark read."""

import datetime

import pytest
from django.test import override_settings

from agencies.models import Agency
from agencies.notifications import Outgoing, messages_send
from reports.reminders import reminders_send
from tests.browser.conftest import login
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


@override_settings(REMINDER_START_MONTH="2025-05", REMINDER_OFFICE_AFTER_DAYS=7)
def test_reporter_reads_reminders_and_office_sees_failed_emails(page, live_server, live_plan, shot):
    """A reporter sees the unread count, reads the reminder, marks it read; the office sees unsent emails."""
    agency = Agency.objects.get(name="区人力社保局")
    UserFactory(agency=agency, username="rsj")
    UserFactory(agency=Agency.objects.office(), role="office", username="office9")
    reminders_send(today=datetime.date(2025, 6, 2))
    reminders_send(today=datetime.date(2025, 6, 12))

    login(page, live_server, "rsj", PASSWORD)
    bell = page.locator("#nav-notifications")
    assert bell.inner_text().split() == ["通知", "2", "条未读"]
    shot(page, "bell")
    bell.click()
    assert page.get_by_role("heading", name="通知", exact=True).is_visible()
    items = page.locator(".notification-list > li")
    assert items.count() == 2
    newest = items.nth(0).inner_text()
    assert "月度工作进展报告逾期未报提醒" in newest
    assert "第8项「开展拖欠工资问题专项治理」：截止日期2025年6月5日，已逾期 7 天（尚未填报）" in newest
    shot(page, "list")
    items.nth(1).get_by_role("button", name="标为已读").click()
    assert page.locator("#nav-notifications").inner_text().split() == ["通知", "1", "条未读"]
    page.get_by_role("button", name="全部标为已读").click()
    assert page.get_by_role("alert").inner_text() == "已将 1 条通知标为已读。"
    assert page.locator("#nav-notifications").inner_text().split() == ["通知"]
    shot(page, "all-read")
    assert page.js_errors == []

    page.context.clear_cookies()
    login(page, live_server, "office9", PASSWORD)
    page.locator("#nav-notifications").click()
    assert "逾期未报通报：53 份月度报告逾期超过 7 天" in page.locator(".notification-list").inner_text()
    page.get_by_role("link", name="邮件发送记录").click()
    assert page.get_by_role("heading", name="邮件发送记录").is_visible()
    rows = page.get_by_role("row").filter(has_text="没有收件地址")
    assert rows.count() >= 1
    shot(page, "email-log")
    assert page.js_errors == []


def test_bell_and_list_on_a_phone(browser, live_server, live_plan, shot):
    """On a phone the unread count shows on the collapsed menu's button, the bell sits in the
    menu and the list fits the screen."""
    user = UserFactory(agency=Agency.objects.get(name="区人力社保局"), username="rsj")
    messages_send(messages=[Outgoing(recipients=[user], title="请于5日前报送本月进展", body="", send_email=False)])
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    login(page, live_server, "rsj", PASSWORD)
    assert page.locator("#nav-toggler-unread").is_visible()
    assert page.locator("#nav-toggler-unread").inner_text().startswith("1")
    shot(page, "phone-unread-on-menu-button")
    page.get_by_role("button", name="展开导航").click()
    page.locator("#nav-notifications").click()
    assert page.get_by_text("请于5日前报送本月进展").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone-list")
    context.close()


def test_office_reads_the_monthly_summary(page, live_server, live_plan, shot, settings, tmp_path):
    """The office follows the summary's notification to its page and downloads the workbook."""
    from agencies.summaries import supervision_summary_send

    settings.MEDIA_ROOT = tmp_path
    UserFactory(agency=Agency.objects.office(), role="office", username="office9")
    supervision_summary_send(today=datetime.date(2025, 6, 6))

    login(page, live_server, "office9", PASSWORD)
    page.locator("#nav-notifications").click()
    page.get_by_role("button", name="前往处理").first.click()
    assert page.get_by_role("heading", name="2025年5月诚信建设工作督查汇总").is_visible()
    assert "单位排名" in page.locator(".summary-body").inner_text()
    shot(page, "summary")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel 汇总表").click()
    assert download.value.suggested_filename == "西青区诚信建设月度督查汇总-2025-05.xlsx"
    page.get_by_role("link", name="督查汇总").click()
    assert page.get_by_role("link", name="2025年5月诚信建设工作督查汇总").is_visible()
    shot(page, "summary-list")
    assert page.js_errors == []
