"""The shared cache of public list pages: served without queries, never stale after a change."""

import os
import subprocess
import sys
import uuid

import pytest
from django.test import Client, RequestFactory

from blacklist import public_cache, services
from tests.blacklist.public_helpers import unflushed
from tests.factories import CreditSubjectFactory, PersonFactory, PublicEntryFactory

pytestmark = pytest.mark.django_db

PERSON_ID = "342301196410063224"


@pytest.fixture(autouse=True)
def empty_cache():
    """Replaces the list tests' cache.clear(): these tests use addresses and names of their own."""
    yield


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    public_cache.bump_lists_version()


def unique_name() -> str:
    """A name part no other test (or test process sharing the cache) asks for."""
    return "缓存" + uuid.uuid4().hex[:8]


def test_second_visit_is_served_without_a_query(public_client, page_cache, django_assert_num_queries):
    """The same search again comes from the cache: no database query at all."""
    part = unique_name()
    PublicEntryFactory(subject=CreditSubjectFactory(name=f"天津{part}有限公司"))
    first = public_client.get("/credit/", {"q": part})
    assert f"天津{part}有限公司" in first.content.decode()
    with django_assert_num_queries(0):
        again = public_client.get("/credit/", {"q": part})
    assert again.content == first.content


def test_a_change_to_the_lists_shows_at_once(
    public_client, page_cache, office_user, django_capture_on_commit_callbacks
):
    """Removing an entry starts a new cache version: the next search no longer shows it."""
    part = unique_name()
    entry = PublicEntryFactory(subject=CreditSubjectFactory(name=f"天津{part}有限公司"))
    assert f"天津{part}有限公司" in public_client.get("/credit/", {"q": part}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_remove(actor=office_user, entry=entry, reason="认定部门撤销处罚决定")
    assert f"天津{part}有限公司" not in public_client.get("/credit/", {"q": part}).content.decode()


def test_logged_in_staff_are_never_served_a_cached_page(client, page_cache, reporter):
    """A staff member's page carries their name and a logout form: it is always rendered afresh."""
    part = unique_name()
    PublicEntryFactory(subject=CreditSubjectFactory(name=f"天津{part}有限公司"))
    client.force_login(reporter)
    client.get("/credit/", {"q": part})
    response = client.get("/credit/", {"q": part})
    assert "reporter1" in response.content.decode()
    assert len(response.context["entries"]) == 1  # rendered, not replayed


def test_cache_keys_never_hold_an_id_number(page_cache):
    """An ID number typed into the search is only in a hash of the address, never in the key."""
    request = RequestFactory().get("/credit/", {"q": PERSON_ID})
    key = public_cache._key(request)
    assert PERSON_ID not in key and "3423011964" not in key


def test_cached_pages_still_count_against_the_rate(page_cache, settings):
    """A page from the cache counts like any other: the limit runs first."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_search": "2/min"}}
    PublicEntryFactory(subject=PersonFactory(name="张伟", id_number=PERSON_ID))

    def run():
        n = uuid.uuid4().int
        client = Client(REMOTE_ADDR=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}")
        part = unique_name()
        return [client.get("/credit/", {"q": part}).status_code for _ in range(3)]

    assert unflushed(run) == [200, 200, 429]


def test_a_worker_process_also_starts_a_new_version():
    """A Celery worker or a command never loads the public views: the cache must still hear of
    its changes (otherwise a removal made by a job showed on public pages for five minutes)."""
    code = (
        "import django; django.setup(); "
        "from django.db.models.signals import post_save, post_delete; "
        "from blacklist.models import ListEntry, CreditSubject; "
        "keys = {str(receiver[0][0]) for receiver in post_save.receivers + post_delete.receivers}; "
        "print(all(f'credit-cache-{m.__name__}-{s}' in keys "
        "for m in (ListEntry, CreditSubject) for s in ('save', 'delete')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xiqing_credit.settings"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)  # noqa: S603
    assert result.stdout.strip() == "True", result.stderr
