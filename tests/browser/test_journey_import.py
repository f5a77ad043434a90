"""Journey 5: an Excel import of list entries with bad rows is refused, each error shown by row and column."""

import io

import pytest
from openpyxl import Workbook

from blacklist.excel import TEMPLATE_HEADER
from tests.blacklist.xlsx import org_row, person_row, row
from tests.browser.conftest import alert, login
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPECTED_ERRORS = [
    ["3", "统一社会信用代码", "统一社会信用代码第18位校验位应为3，而不是Z。"],
    ["4", "身份证号码", "身份证号码第18位校验位应为X，而不是1。"],
    ["5", "失信等级", "“很严重”不是有效的失信等级，应为轻微、一般、较重或严重。"],
    ["5", "专项治理编号", "专项治理编号“99”不存在，请填写1–33的编号。"],
]


@pytest.fixture(autouse=True)
def in_process_import(settings, tmp_path):
    """The import task runs in the live server's process (no worker here); uploads go to a temp folder."""
    from xiqing_credit.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {  # a cold upload rate limit, without flushing the Redis other tests share
        alias: {**conf, "KEY_PREFIX": f"import-{tmp_path.name}"} for alias, conf in settings.CACHES.items()
    }
    previous = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = previous


def workbook_with_bad_rows() -> bytes:
    """The template's header, one valid row (row 2) and three bad ones (rows 3–5)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(TEMPLATE_HEADER)
    for values in (
        row(),
        org_row(3, 统一社会信用代码="91350100M000100Y4Z"),
        person_row(4, 身份证号码="110105194912310021"),
        org_row(5, 失信等级="很严重", 专项治理编号=99),
    ):
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_with_bad_rows_is_refused_with_per_row_errors(page, live_server, live_plan, shot):
    """A reporter's workbook with bad rows imports nothing and shows every error by row, column and message."""
    from agencies.models import Agency
    from blacklist.models import ListEntry

    UserFactory(username="hr-reporter", role="reporter", agency=Agency.objects.get(name="区人力社保局"))
    login(page, live_server, "hr-reporter", PASSWORD)
    page.get_by_role("link", name="红黑名单管理").click()
    page.get_by_role("link", name="Excel 导入", exact=True).click()
    assert page.get_by_role("heading", name="Excel 导入名单条目").is_visible()
    assert page.get_by_text("尚无导入记录。").is_visible()
    page.get_by_label("Excel 文件").set_input_files(
        files=[{"name": "欠薪名单.xlsx", "mimeType": XLSX, "buffer": workbook_with_bad_rows()}]
    )
    shot(page, "upload-form")
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="导入结果：欠薪名单.xlsx").is_visible()
    assert alert(page, "共4行数据，发现4处错误，未导入任何数据。请按错误报告修改后重新上传。").is_visible()
    table = page.get_by_role("table", name="共 4 处错误")
    assert [cell.inner_text() for cell in table.locator("thead th").all()] == ["行号", "列", "错误说明"]
    shown = [[cell.inner_text() for cell in tr.locator("td").all()] for tr in table.locator("tbody tr").all()]
    assert shown == EXPECTED_ERRORS
    assert page.get_by_role("link", name="下载错误报告（Excel）").is_visible()
    shot(page, "errors-shown")
    assert ListEntry.objects.count() == 0

    page.get_by_role("link", name="修改后重新上传").click()
    recent = page.get_by_role("listitem").filter(has_text="欠薪名单.xlsx")
    assert "hr-reporter" in recent.inner_text()
    assert "未导入" in recent.inner_text()
    shot(page, "recent-imports")
    assert page.js_errors == []
