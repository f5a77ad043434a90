"""Public campaign pages and the read-only campaign and agency API."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_campaign_list_page_shows_campaigns_with_agencies(client):
    """Anyone sees the 20 campaigns with their lead and participating agencies."""
    response = client.get(reverse("campaigns:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "开展拖欠工资问题专项治理" in html
    assert "区发展改革委、区人力社保局" in html
    assert "区人民法院、公安西青分局、区财政局" in html
    assert len(response.context["campaigns"]) == 20


def test_campaign_list_page_query_count(client, django_assert_num_queries):
    """The campaign list runs a fixed number of queries, however many campaigns and agencies."""
    with django_assert_num_queries(3):
        client.get(reverse("campaigns:list"))


def test_campaign_page_shows_plan_text(client):
    """A campaign page carries the plan's full text."""
    response = client.get(reverse("campaigns:detail", args=[1]))
    assert response.status_code == 200
    assert "24 小时后到账制度" in response.content.decode()


def test_unknown_campaign_is_404(client):
    """A campaign number that does not exist answers 404."""
    assert client.get(reverse("campaigns:detail", args=[999])).status_code == 404


def test_home_page_is_public(client):
    """The home page needs no login and links to staff login."""
    response = client.get("/")
    assert response.status_code == 200
    assert "工作人员登录" in response.content.decode()


def test_admin_needs_login(client):
    """The admin redirects anonymous users to its login page."""
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_campaign_api_is_public_and_ordered(client):
    """GET /api/v1/campaigns/ lists lead and participating agencies by name in the plan's order."""
    response = client.get("/api/v1/campaigns/")
    assert response.status_code == 200
    by_number = {c["number"]: c for c in response.json()}
    assert by_number[8]["title"] == "开展拖欠工资问题专项治理"
    assert by_number[8]["lead_agencies"] == ["区发展改革委", "区人力社保局"]
    assert by_number[8]["participating_agencies"] == ["区人民法院", "公安西青分局", "区财政局"]
    assert by_number[20]["lead_agencies"] == ["公安交通西青支队", "区发展改革委"]
    assert sum(1 for c in by_number.values() if c["kind"] == "campaign") == 20


def test_campaign_api_detail_by_number(client):
    """A campaign is addressed by its number."""
    response = client.get("/api/v1/campaigns/11/")
    assert response.status_code == 200
    assert response.json()["lead_agencies"] == ["区人民法院", "区发展改革委"]


def test_campaign_api_filters_by_agency(client):
    """?agency= lists the campaigns an agency leads or joins, aliases included."""
    response = client.get("/api/v1/campaigns/", {"agency": "区审批局", "kind": "campaign"})
    assert [c["number"] for c in response.json()] == [4]


def test_agency_api_is_public(client):
    """GET /api/v1/agencies/ lists agencies with their aliases."""
    response = client.get("/api/v1/agencies/")
    assert response.status_code == 200
    agencies = {a["name"]: a for a in response.json()}
    assert agencies["区行政审批局"]["aliases"] == ["区审批局"]
    assert agencies["区文明办"]["kind"] == "office"
    assert agencies["各街镇"]["kind"] == "group"


def test_api_schema_and_docs(client):
    """The OpenAPI schema and the docs page are served locally."""
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/campaigns/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_login_and_logout(client, reporter):
    """A staff member logs in with username and password, then logs out."""
    from tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": "reporter1", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "reporter1"
    client.post(reverse("logout"))
    assert not client.get("/").context["user"].is_authenticated


def test_login_error_is_chinese(client, reporter):
    """A wrong password gets a Chinese message on the login page."""
    response = client.post(reverse("login"), {"username": "reporter1", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
