"""The public search page /credit/ and detail page /credit/<id>/ (section 五.1, DESIGN §3, §5)."""

import datetime
import re

import pytest
from django.utils import timezone

from agencies.models import Agency
from blacklist import search
from blacklist.models import ListEntry
from campaigns.models import Campaign
from tests.factories import CreditSubjectFactory, PersonFactory, PublicEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    """Replaces the list tests' cache.clear(), which empties the Redis database the other test
    process shares: these tests use client addresses of their own (``public_client``)."""
    yield


PERSON_ID = "342301196410063224"  # 张伟, masked 3423011964****3224
URL = "/credit/"


def org(name: str, **values):
    return PublicEntryFactory(subject=CreditSubjectFactory(name=name), **values)


def person(name: str = "张伟", id_number: str = PERSON_ID, **values):
    return PublicEntryFactory(subject=PersonFactory(name=name, id_number=id_number), **values)


def names_in(response) -> list[str]:
    return [entry.subject_name for entry in response.context["entries"]]


# --- What the query box accepts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("342301196410063225", "身份证号码第18位校验位应为4，而不是5。"),
        ("91350100M000100Y4Z", "统一社会信用代码第18位校验位应为3，而不是Z。"),
        ("张", "请至少输入两个字：单位名称的一部分，或个人的完整姓名。"),
        ("3423011964100632", "身份证号码应为18位，当前为16位。"),
    ],
)
def test_bad_query_gets_a_message_next_to_the_box(public_client, raw, message):
    """A wrong check digit says its 校验位 is wrong; too short a name or ID says what is needed."""
    response = public_client.get(URL, {"q": raw})
    assert response.status_code == 200
    assert response.context["form"].errors["q"] == [message]
    assert message in response.content.decode()
    assert "entries" not in response.context


def test_query_kinds_are_told_apart():
    """Digits are an ID (also tried as a code), letters and digits a code, anything else a name."""
    assert search.parse_query("  ") == search.EMPTY_QUERY
    assert search.parse_query(" 西青  商贸 ").text == "西青 商贸"
    identifier = search.parse_query(PERSON_ID)
    assert (identifier.kind, identifier.id_masked, identifier.display) == (
        search.QueryKind.IDENTIFIER,
        "3423011964****3224",
        "3423011964****3224",
    )
    assert not identifier.may_echo
    code = search.parse_query("91350100m000100y43")
    assert (code.credit_code, code.id_hash, code.may_echo) == ("91350100M000100Y43", "", True)


# --- Organisations ------------------------------------------------------------------------------------


def test_company_found_by_any_two_characters_of_its_name(public_client):
    """Any part of an organisation's name of two characters or more finds it."""
    org("天津市西青区鑫华建筑劳务有限公司")
    org("北京某科技有限公司")
    for part in ("鑫华", "建筑劳务", "西青区鑫华建筑"):
        response = public_client.get(URL, {"q": part})
        assert names_in(response) == ["天津市西青区鑫华建筑劳务有限公司"], part
    assert "共 1 条" in public_client.get(URL, {"q": "鑫华"}).content.decode()


def test_company_found_by_its_full_credit_code(public_client):
    """The full unified social credit code finds the organisation; part of it does not."""
    entry = org("天津鑫华商贸有限公司")
    code = entry.subject.credit_code
    assert names_in(public_client.get(URL, {"q": code.lower()})) == ["天津鑫华商贸有限公司"]
    assert names_in(public_client.get(URL, {"q": code[:8]})) == []


def test_latin_letters_in_a_name_match_in_either_case(public_client):
    """Names with Latin letters are found whatever the case typed."""
    org("天津ABC物流有限公司")
    assert names_in(public_client.get(URL, {"q": "abc物流"})) == ["天津ABC物流有限公司"]


# --- Persons --------------------------------------------------------------------------------------------


def test_person_found_by_exact_name_with_masked_id(public_client):
    """A person's exact full name finds them; the page shows the ID as 3423011964****3224 only."""
    person()
    response = public_client.get(URL, {"q": "张伟"})
    assert names_in(response) == ["张伟"]
    html = response.content.decode()
    assert "3423011964****3224" in html
    assert PERSON_ID not in html


def test_person_not_found_by_part_of_the_name(public_client):
    """No partial-name search of persons: 张 is refused, 张伟 does not find 张伟强."""
    person(name="张伟强")
    response = public_client.get(URL, {"q": "张伟"})
    assert names_in(response) == []
    assert "未找到与“张伟”相符的公示信息" in response.content.decode()


def test_person_found_by_full_id_number_which_is_never_echoed(public_client):
    """The full ID finds the person; neither the box nor any link repeats the number typed."""
    person()
    response = public_client.get(URL, {"q": PERSON_ID, "list": "black"})
    assert names_in(response) == ["张伟"]
    html = response.content.decode()
    assert PERSON_ID not in html
    assert "按身份证号码 3423011964****3224 查询" in html
    assert 'name="q"' in html and 'value="3423' not in html


def test_without_a_query_only_organisations_are_listed(public_client):
    """Persons cannot be browsed: the list without a query holds organisations only, newest first."""
    org("天津甲公司", decision_date=timezone.localdate() - datetime.timedelta(days=50))
    org("天津乙公司", decision_date=timezone.localdate() - datetime.timedelta(days=45))
    person()
    response = public_client.get(URL)
    assert names_in(response) == ["天津乙公司", "天津甲公司"]
    assert "不含自然人" in response.content.decode()


# --- Only what is public today -----------------------------------------------------------------------


def test_only_published_entries_inside_their_publicity_period_appear(public_client):
    """Proposed, removed, repaired, expired and not-yet-started entries stay off the public page."""
    today = timezone.localdate()
    org("天津公示中公司")
    org("天津待发布公司", status=ListEntry.Status.PROPOSED, publish_from=None, published_at=None)
    org("天津已移出公司", status=ListEntry.Status.REMOVED, removed_at=timezone.now(), removal_reason="撤销")
    org("天津已修复公司", status=ListEntry.Status.REPAIRED, repaired_at=timezone.now())
    org("天津已期满公司", publish_until=today - datetime.timedelta(days=1))
    org("天津未开始公司", publish_from=today + datetime.timedelta(days=1))
    assert names_in(public_client.get(URL, {"q": "天津"})) == ["天津公示中公司"]


# --- Filters, pages, cap ----------------------------------------------------------------------------


def test_filters_by_list_campaign_agency_and_date(public_client):
    """List, campaign, deciding agency and decision date narrow the results."""
    today = timezone.localdate()
    org("天津红榜公司", list=ListEntry.List.RED, severity="")
    org("天津工资公司")
    org("天津食品公司", campaign=Campaign.objects.get(number=6))
    org("天津市场公司", deciding_agency=Agency.objects.get(name="区市场监管局"))
    org("天津旧案公司", decision_date=today - datetime.timedelta(days=200))

    def found(**filters):
        return sorted(names_in(public_client.get(URL, {"q": "天津", **filters})))

    assert found(list="red") == ["天津红榜公司"]
    assert found(campaign=6) == ["天津食品公司"]
    assert found(agency=Agency.objects.get(name="区市场监管局").pk) == ["天津市场公司"]
    assert found(decided_before=(today - datetime.timedelta(days=100)).isoformat()) == ["天津旧案公司"]
    html = public_client.get(URL, {"q": "天津", "campaign": 6, "list": "red"}).content.decode()
    assert '<option value="6" selected>6. ' in html  # the chosen filters stay chosen
    assert '<option value="red" selected>' in html
    assert html.count(" selected>") == 2
    after = public_client.get(URL, {"decided_after": today.isoformat(), "decided_before": "2020-01-01"})
    assert after.context["form"].errors["decided_before"] == ["结束日期不能早于开始日期。"]


def test_at_most_twenty_a_page_with_page_links(public_client):
    """Results come 20 to a page, newest first, with links to every page."""
    today = timezone.localdate()
    for n in range(23):
        org(f"天津分页{n:02d}公司", decision_date=today - datetime.timedelta(days=100 - n))
    first = public_client.get(URL, {"q": "分页"})
    assert names_in(first) == [f"天津分页{n:02d}公司" for n in range(22, 2, -1)]
    assert [number for number, _link in first.context["page_links"]] == [1, 2]
    second = public_client.get(URL, {"q": "分页", "page": 2})
    assert names_in(second) == ["天津分页02公司", "天津分页01公司", "天津分页00公司"]
    assert "共 23 条，第 2/2 页" in second.content.decode()


def test_broad_query_says_refine_instead_of_counting(public_client, settings):
    """Past the cap the page says "more than N results, refine" and never counts them all."""
    settings.PUBLIC_SEARCH_MAX_RESULTS = 5
    for n in range(7):
        org(f"天津宽泛{n}公司")
    response = public_client.get(URL, {"q": "天津"})
    html = response.content.decode()
    assert response.context["results"].count == 5
    assert "超过 5 条结果，仅显示其中 5 条" in html
    assert "请输入更完整的名称" in html


def test_friendly_empty_state(public_client):
    """A search without results explains how to search, in Chinese."""
    response = public_client.get(URL, {"q": "不存在的公司"})
    html = response.content.decode()
    assert "未找到与“不存在的公司”相符的公示信息" in html
    assert "个人须输入完整姓名或18位身份证号码" in html


def test_search_page_query_count_does_not_grow_with_results(public_client, django_assert_num_queries):
    """A name search costs two queries for 1 result as for 20 (subjects, then their entries with the
    page's columns): no query per row."""
    org("天津计数0公司")
    public_client.get(URL, {"q": "计数"})  # filter choices are cached per process
    with django_assert_num_queries(2):
        assert len(names_in(public_client.get(URL, {"q": "计数"}))) == 1
    for n in range(1, 25):
        org(f"天津计数{n}公司", campaign=Campaign.objects.get(number=n % 20 + 1))
    with django_assert_num_queries(2):
        assert len(names_in(public_client.get(URL, {"q": "计数"}))) == 20


# --- Detail page ---------------------------------------------------------------------------------------


def test_detail_page_shows_the_entry(public_client):
    """/credit/<id>/ shows an organisation's entry with every public field."""
    entry = org("天津鑫华商贸有限公司")
    response = public_client.get(f"/credit/{entry.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("天津鑫华商贸有限公司", entry.subject.credit_code, "拖欠农民工工资", "区人力社保局", "一般"):
        assert text in html
    assert "/repair/" in html


def test_person_detail_opens_only_from_a_search_result(public_client):
    """A person's detail page needs the signed link of a search result: ids cannot be counted through."""
    entry = person()
    assert public_client.get(f"/credit/{entry.pk}/").status_code == 404
    assert public_client.get(f"/credit/{entry.pk}/", {"t": "forged"}).status_code == 404
    link = public_client.get(URL, {"q": "张伟"}).context["entries"][0].detail_url
    assert re.fullmatch(rf"/credit/{entry.pk}/\?t=[\w:-]+", link)
    response = public_client.get(link)
    assert response.status_code == 200
    assert "3423011964****3224" in response.content.decode()
    other = person(name="李娜", id_number="34230119641007322X")
    token = link.split("?t=")[1]
    assert public_client.get(f"/credit/{other.pk}/", {"t": token}).status_code == 404


def test_detail_of_an_entry_not_public_is_a_friendly_404(public_client):
    """An entry off the public list answers 404 with a Chinese explanation."""
    entry = org("天津已移出公司", status=ListEntry.Status.REMOVED, removed_at=timezone.now(), removal_reason="撤销")
    response = public_client.get(f"/credit/{entry.pk}/")
    assert response.status_code == 404
    assert "该条信息不在公示期内" in response.content.decode()
    assert "天津已移出公司" not in response.content.decode()


def test_an_id_number_typed_into_the_reason_is_masked(public_client):
    """Free text written by staff never shows a full ID number either."""
    entry = org("天津鑫华商贸有限公司", reason=f"法定代表人（身份证号{PERSON_ID}）拒不履行")
    html = public_client.get(f"/credit/{entry.pk}/").content.decode()
    assert "身份证号3423011964****3224）拒不履行" in html
    assert PERSON_ID not in html
