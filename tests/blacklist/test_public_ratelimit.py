"""Per-client rate limits of the public list pages and API (issue 6: scraping and abuse)."""

import uuid

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def address() -> str:
    n = uuid.uuid4().int
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public_search": "3/min", "public_download": "2/hour"},
    }


def test_page_past_the_rate_answers_429_with_a_friendly_message(low_rates):
    """The fourth search in a minute from one address gets 429, a Chinese explanation and Retry-After."""
    client = Client(REMOTE_ADDR=address())
    for _ in range(3):
        assert client.get("/credit/", {"q": "天津"}).status_code == 200
    limited = client.get("/credit/", {"q": "天津"})
    assert limited.status_code == 429
    assert "查询过于频繁，请稍后再试" in limited.content.decode()
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert Client(REMOTE_ADDR=address()).get("/credit/", {"q": "天津"}).status_code == 200


def test_page_and_api_draw_on_one_allowance(low_rates):
    """Switching from the page to the API does not reset the count; the API says so in Chinese."""
    client = Client(REMOTE_ADDR=address())
    client.get("/credit/", {"q": "天津"})
    client.get("/credit/changes/")
    assert client.get("/api/v1/public/list-entries/", {"q": "天津"}).status_code == 200
    limited = client.get("/api/v1/public/list-entries/", {"q": "天津"})
    assert limited.status_code == 429
    assert limited.json()["detail"].startswith("查询过于频繁，请稍后再试。")
    assert "Retry-After" in limited


def test_detail_pages_count_too(low_rates):
    """Detail pages share the allowance, so ids cannot be walked quickly either."""
    client = Client(REMOTE_ADDR=address())
    statuses = [client.get(f"/credit/{pk}/").status_code for pk in range(1, 6)]
    assert statuses == [404, 404, 404, 429, 429]


def test_a_forged_forwarded_header_does_not_dodge_the_limit(low_rates, settings):
    """Without a trusted proxy, X-Forwarded-For is ignored: a new value each time changes nothing."""
    settings.TRUSTED_PROXY_COUNT = 0
    remote = address()
    statuses = [
        Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=address()).get("/credit/").status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_allowance(low_rates, settings):
    """With one proxy, the address it appended is the client; what a client wrote before it is ignored."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy, alice, bob = address(), address(), address()
    for _ in range(3):
        forged = f"{address()}, {alice}"  # Alice writes her own header; the proxy appends her real address
        assert Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forged).get("/credit/").status_code == 200
    assert Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{address()}, {alice}").get("/credit/").status_code == 429
    assert Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=bob).get("/credit/").status_code == 200


def test_open_data_downloads_have_their_own_lower_rate(low_rates):
    """Open-data files are limited separately (PUBLIC_DOWNLOAD_RATE)."""
    client = Client(REMOTE_ADDR=address())
    statuses = [client.get("/credit/open-data/list-entries.csv").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "查询过于频繁" in client.get("/credit/open-data/list-entries.json").content.decode()
