"""Shared fixtures: the plan loaded once per test database, and accounts of each role."""

import pytest

from tests.factories import UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the plan's agencies and campaigns, as a fresh install does."""
    from campaigns.services import load_plan

    with django_db_blocker.unblock():
        load_plan()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Test accounts need no real hashing: PBKDF2 costs close to a second per user on this machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def office_agency(db):
    from agencies.models import Agency

    return Agency.objects.office()


@pytest.fixture
def agency(db):
    """区人力社保局, lead of campaign 8 (unpaid wages) with 区发展改革委."""
    from agencies.models import Agency

    return Agency.objects.get(name="区人力社保局")


@pytest.fixture
def office_user(office_agency):
    return UserFactory(agency=office_agency, role="office", username="office1")


@pytest.fixture
def reporter(agency):
    return UserFactory(agency=agency, role="reporter", username="reporter1")


@pytest.fixture
def office_client(client, office_user):
    client.force_login(office_user)
    return client


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Files a test writes go to a temporary MEDIA_ROOT, never into the working tree's media/:
    with tasks in-process, any test that commits a change to a published entry (live-server and
    transactional tests, seed_demo) also builds the open-data files."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def celery_in_process():
    """Tasks run in-process in tests, even when REDIS_URL is set (as `make test` does).

    Only tests marked ``celery_worker`` send to the real broker, on a queue of their own.
    """
    from xiqing_credit.celery import app

    # With namespace="CELERY" the prefixed key is the one Celery reads.
    previous = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = previous


# --- Issue 6: public search ---------------------------------------------------------------------------
@pytest.fixture
def public_client():
    """An anonymous client with an address of its own: per-client rate limits (kept in the shared
    cache) of one test never meet another's."""
    import uuid

    from django.test import Client

    n = uuid.uuid4().int
    return Client(REMOTE_ADDR=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}")


@pytest.fixture(autouse=True)
def _no_public_page_cache(settings):
    """Tests roll their transactions back, so the cache version never moves: each test renders its
    public pages afresh unless it turns the page cache on itself (tests/blacklist/test_public_cache.py)."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def private_cache(settings):
    """A cold cache for one test without emptying the Redis database that other test processes
    share (a flush there wipes their rate-limit counters mid-test): a key prefix of its own."""
    import uuid

    prefix = f"t{uuid.uuid4().hex[:12]}"
    settings.CACHES = {alias: {**conf, "KEY_PREFIX": prefix} for alias, conf in settings.CACHES.items()}
    return prefix
