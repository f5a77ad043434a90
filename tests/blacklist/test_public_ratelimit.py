"""Per-client rate limits of the public list pages and API (issue 6: scraping and abuse)."""

import pytest
from django.test import Client

from tests.blacklist.public_helpers import address, unflushed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    """Replaces the list tests' cache.clear(): these tests use addresses of their own instead."""
    yield


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public_search": "3/min", "public_download": "2/hour"},
    }


def test_page_past_the_rate_answers_429_with_a_friendly_message(low_rates):
    """The fourth search in a minute from one address gets 429, a Chinese explanation and Retry-After."""

    def run():
        client = Client(REMOTE_ADDR=address())
        statuses = [client.get("/credit/", {"q": "天津"}).status_code for _ in range(3)]
        limited = client.get("/credit/", {"q": "天津"})
        other = Client(REMOTE_ADDR=address()).get("/credit/", {"q": "天津"})
        return statuses, limited, other

    statuses, limited, other = unflushed(run)
    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert "查询过于频繁，请稍后再试" in limited.content.decode()
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert other.status_code == 200


def test_page_and_api_draw_on_one_allowance(low_rates):
    """Switching from the page to the API does not reset the count; the API says so in Chinese."""

    def run():
        client = Client(REMOTE_ADDR=address())
        client.get("/credit/", {"q": "天津"})
        client.get("/credit/changes/")
        allowed = client.get("/api/v1/public/list-entries/", {"q": "天津"})
        return allowed, client.get("/api/v1/public/list-entries/", {"q": "天津"})

    allowed, limited = unflushed(run)
    assert allowed.status_code == 200
    assert limited.status_code == 429
    assert limited.json()["detail"].startswith("查询过于频繁，请稍后再试。")
    assert 1 <= int(limited["Retry-After"]) <= 60


def test_detail_pages_count_too(low_rates):
    """Detail pages share the allowance, so ids cannot be walked quickly either."""

    def run():
        client = Client(REMOTE_ADDR=address())
        return [client.get(f"/credit/{pk}/").status_code for pk in range(1, 6)]

    assert unflushed(run) == [404, 404, 404, 429, 429]


def test_a_forged_forwarded_header_does_not_dodge_the_limit(low_rates, settings):
    """Without a trusted proxy, X-Forwarded-For is ignored: a new value each time changes nothing."""
    settings.TRUSTED_PROXY_COUNT = 0

    def run():
        remote = address()
        clients = [Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=address()) for _ in range(4)]
        return [client.get("/credit/").status_code for client in clients]

    assert unflushed(run) == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_allowance(low_rates, settings):
    """With one proxy, the address it appended is the client; what a client wrote before it is ignored."""
    settings.TRUSTED_PROXY_COUNT = 1

    def run():
        proxy, alice, bob = address(), address(), address()

        def as_alice():
            # Alice writes her own header each time; the proxy appends her real address.
            return Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{address()}, {alice}").get("/credit/")

        alice_statuses = [as_alice().status_code for _ in range(4)]
        return alice_statuses, Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=bob).get("/credit/").status_code

    alice_statuses, bob_status = unflushed(run)
    assert alice_statuses == [200, 200, 200, 429]
    assert bob_status == 200


def test_open_data_downloads_have_their_own_lower_rate(low_rates):
    """Open-data files are limited separately (PUBLIC_DOWNLOAD_RATE), with the same friendly page."""

    def run():
        client = Client(REMOTE_ADDR=address())
        statuses = [client.get("/credit/open-data/list-entries.csv").status_code for _ in range(3)]
        return statuses, client.get("/credit/open-data/list-entries.json")

    statuses, limited = unflushed(run)
    assert statuses == [200, 200, 429]
    assert "查询过于频繁" in limited.content.decode()
