"""Fixtures of the list tests: uploaded files go to a temporary MEDIA_ROOT; a cold rate-limit cache."""

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache(private_cache):
    """A cold rate-limit cache: keys of this test's own (see tests/conftest.py: private_cache)."""
    return private_cache


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process, as they do without a broker: the test sees the import's result."""
    from xiqing_credit.celery import app

    # The settings namespace (CELERY_) is how this app's configuration is keyed.
    previous = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = previous
