"""Journey 4: a member of the public searches the red/black list and opens an entry's page."""

import pytest

from tests.factories import CreditSubjectFactory, PersonFactory, PublicEntryFactory

pytestmark = pytest.mark.browser

COMPANY = "天津西青宏达建筑劳务有限公司"
PERSON_ID = "342301196410063224"
PERSON_ID_MASKED = "3423011964****3224"


@pytest.fixture(autouse=True)
def cold_cache(private_cache):
    """No cached public page or rate-limit count from an earlier test (all visitors here are 127.0.0.1)."""
    return private_cache


def test_visitor_finds_a_company_and_a_person_and_opens_the_detail(page, live_server, live_plan, shot):
    """A company is found by part of its name, a person by exact name with the ID masked; no full ID is shown."""
    PublicEntryFactory(subject=CreditSubjectFactory(name=COMPANY), reason="拖欠农民工工资共计38万元")
    PublicEntryFactory(subject=PersonFactory(name="张伟", id_number=PERSON_ID), reason="恶意拖欠农民工工资")
    PublicEntryFactory(subject=CreditSubjectFactory(name="天津某商贸有限公司"))

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="红黑榜查询").first.click()
    assert page.get_by_role("heading", name="诚信红黑榜查询").is_visible()
    shot(page, "search-page")

    page.get_by_label("查询内容").fill("宏达建筑")
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    assert "“宏达建筑”的查询结果" in page.locator("#result-summary").inner_text()
    assert "共 1 条" in page.locator("#result-summary").inner_text()
    results = page.get_by_role("table", name="查询结果")
    assert results.get_by_role("link").all_inner_texts() == [COMPANY]
    shot(page, "company-found")

    page.get_by_label("查询内容").fill("张")
    page.get_by_role("button", name="查询").click()
    assert page.get_by_text("请至少输入两个字：单位名称的一部分，或个人的完整姓名。").is_visible()
    shot(page, "one-character-refused")

    page.get_by_label("查询内容").fill("张伟")
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    row = page.get_by_role("table", name="查询结果").get_by_role("row").filter(has_text="张伟")
    assert PERSON_ID_MASKED in row.inner_text()
    assert "恶意拖欠农民工工资" in row.inner_text()
    assert PERSON_ID not in page.content()
    shot(page, "person-found-masked")

    row.get_by_role("link", name="张伟").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="张伟").is_visible()
    assert page.title().startswith("张伟")
    detail = page.locator("dl.credit-detail")
    key = detail.locator("dt", has_text="身份证号码").locator("xpath=following-sibling::dd[1]")
    assert key.inner_text() == PERSON_ID_MASKED
    assert "8. 开展拖欠工资问题专项治理" in detail.inner_text()
    assert PERSON_ID not in page.content()
    assert page.get_by_role("link", name="了解并申请信用修复").is_visible()
    shot(page, "person-detail")

    page.get_by_role("link", name="返回查询").click()
    assert page.get_by_role("heading", name="诚信红黑榜查询").is_visible()
    assert page.js_errors == []
