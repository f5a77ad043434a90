"""Helpers of the public list tests that share Redis with another test process."""

import uuid

import pytest
from django.core.cache import cache


def address() -> str:
    """A client address no other test uses, so per-client rate limits never meet."""
    n = uuid.uuid4().int
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def unflushed(run):
    """``run()``'s observations, taken while no other test process emptied the shared Redis
    database (the list tests clear the cache around each test): repeated until that holds."""
    for _ in range(5):
        marker = f"test-marker:{uuid.uuid4().hex}"
        cache.set(marker, 1, 120)
        observed = run()
        if cache.get(marker):
            cache.delete(marker)
            return observed
    pytest.fail("the shared cache was emptied during every attempt")
