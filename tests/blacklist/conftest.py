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


class _WaitingBuilds(list):
    """Open-data builds queued for a worker that has not got to them yet: (countdown, kwargs)."""

    def run(self) -> list[str]:
        """The worker takes every waiting build, in order; returns what each task said."""
        from blacklist.tasks import build_open_data

        waiting, self[:] = list(self), []
        return [build_open_data.apply(kwargs=kwargs).get() for _countdown, kwargs in waiting]


@pytest.fixture
def busy_worker(monkeypatch):
    """A worker busy elsewhere: ``build_open_data`` messages wait in this list (instead of running
    at once, as tasks do in tests) until the test calls ``busy_worker.run()``."""
    from blacklist.tasks import build_open_data

    waiting = _WaitingBuilds()

    def apply_async(args=None, kwargs=None, countdown=None, **options):
        waiting.append((countdown, kwargs or {}))

    monkeypatch.setattr(build_open_data, "apply_async", apply_async)
    return waiting
