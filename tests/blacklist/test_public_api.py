"""The public API GET /api/v1/public/list-entries/: the page's rules, masked, throttled, documented."""

import pytest
import yaml

from campaigns.models import Campaign
from tests.factories import CreditSubjectFactory, PersonFactory, PublicEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    """Replaces the list tests' cache.clear(), which empties the Redis database the other test
    process shares: these tests use client addresses of their own (``public_client``)."""
    yield


URL = "/api/v1/public/list-entries/"
PERSON_ID = "342301196410063224"


def test_person_by_exact_name_with_masked_id(public_client):
    """A person's full name finds them; the ID comes masked and the detail link is signed."""
    entry = PublicEntryFactory(subject=PersonFactory(name="张伟", id_number=PERSON_ID))
    response = public_client.get(URL, {"q": "张伟"})
    assert response.status_code == 200
    data = response.json()
    assert (data["count"], data["more"], data["page"], data["pages"]) == (1, False, 1, 1)
    [result] = data["results"]
    assert result["id"] == entry.pk
    assert result["subject_name"] == "张伟"
    assert result["subject_key"] == "3423011964****3224"
    assert result["subject_type"] == "person"
    assert result["list"] == "black" and result["severity"] == "general"
    assert result["detail_url"].startswith(f"/credit/{entry.pk}/?t=")
    assert public_client.get(result["detail_url"]).status_code == 200
    assert public_client.get(URL, {"q": "张"}).status_code == 400


def test_organisation_by_part_of_name_and_filters(public_client):
    """Same semantics as the page: part of a name, filtered by list and campaign."""
    PublicEntryFactory(subject=CreditSubjectFactory(name="天津鑫华商贸有限公司"))
    food = Campaign.objects.get(number=6)
    PublicEntryFactory(subject=CreditSubjectFactory(name="天津鑫华食品有限公司"), campaign=food)
    names = [r["subject_name"] for r in public_client.get(URL, {"q": "鑫华"}).json()["results"]]
    assert sorted(names) == ["天津鑫华商贸有限公司", "天津鑫华食品有限公司"]
    by_campaign = public_client.get(URL, {"q": "鑫华", "campaign": 6}).json()["results"]
    assert [r["subject_name"] for r in by_campaign] == ["天津鑫华食品有限公司"]
    assert public_client.get(URL, {"q": "鑫华", "list": "red"}).json()["count"] == 0


def test_bad_query_is_a_400_naming_the_check_digit(public_client):
    """A wrong check digit answers 400 with the Chinese message of the page."""
    response = public_client.get(URL, {"q": PERSON_ID[:17] + "5"})
    assert response.status_code == 400
    assert response.json() == {"q": ["身份证号码第18位校验位应为4，而不是5。"]}
    assert public_client.get(URL, {"campaign": 99}).status_code == 400


def test_pages_are_numbered_and_capped(public_client, settings):
    """20 a page within the cap; past the cap ``more`` is true; a page past the end is 404."""
    settings.PUBLIC_SEARCH_MAX_RESULTS = 25
    for n in range(26):
        PublicEntryFactory(subject=CreditSubjectFactory(name=f"天津分页{n}有限公司"))
    first = public_client.get(URL, {"q": "分页"}).json()
    assert (first["count"], first["more"], first["pages"], len(first["results"])) == (25, True, 2, 20)
    assert "next" not in first
    assert len(public_client.get(URL, {"q": "分页", "page": 2}).json()["results"]) == 5
    assert public_client.get(URL, {"q": "分页", "page": 3}).status_code == 404


def test_without_a_query_only_organisations(public_client):
    """The API cannot list persons either."""
    PublicEntryFactory(subject=PersonFactory(name="张伟", id_number=PERSON_ID))
    PublicEntryFactory(subject=CreditSubjectFactory(name="天津鑫华商贸有限公司"))
    assert [r["subject_name"] for r in public_client.get(URL).json()["results"]] == ["天津鑫华商贸有限公司"]


def test_api_query_count_does_not_grow_with_results(public_client, django_assert_num_queries):
    """Two queries for one result or twenty: subjects, then their entries with the public columns."""
    PublicEntryFactory(subject=CreditSubjectFactory(name="天津计数0公司"))
    public_client.get(URL, {"q": "计数"})
    with django_assert_num_queries(2):
        assert public_client.get(URL, {"q": "计数"}).json()["count"] == 1
    for n in range(1, 25):
        PublicEntryFactory(subject=CreditSubjectFactory(name=f"天津计数{n}公司"))
    with django_assert_num_queries(2):
        assert len(public_client.get(URL, {"q": "计数"}).json()["results"]) == 20


def test_schema_documents_query_errors_and_throttling(public_client):
    """The OpenAPI schema lists the parameters and the 400 and 429 answers."""
    schema = yaml.safe_load(public_client.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/public/list-entries/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "list", "campaign", "agency", "page"}
    responses = operation["responses"]
    assert set(responses) == {"200", "400", "404", "429"}
    assert responses["429"]["description"] == "查询过于频繁，请稍后再试（响应头 Retry-After 给出秒数）"
    assert responses["400"]["description"].startswith("查询内容无效，例如校验位错误")
    page = responses["200"]["content"]["application/json"]["schema"]
    assert page["$ref"] == "#/components/schemas/PaginatedPublicListEntryList"
    assert operation["security"] == [{}]  # anonymous
