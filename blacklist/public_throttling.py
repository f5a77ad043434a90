"""Per-client rate limits of the public list pages and API (issue 6: scraping and abuse).

One throttle class serves both: DRF uses it on the public API, ``rate_limited`` wraps the pages
with it, so a client's page views and API calls draw on the same allowance. The client is its
real address (``xiqing_credit.client_ip``: X-Forwarded-For only from ``TRUSTED_PROXY_COUNT``
proxies), so a client cannot dodge the limit by sending its own header. Counts live in the
cache: Redis when ``REDIS_URL`` is set, shared by every web process.
"""

from __future__ import annotations

import math
import uuid
import weakref
from functools import wraps

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.shortcuts import render
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from xiqing_credit.client_ip import client_ip


class ClientAddressThrottle(SimpleRateThrottle):
    """A rate per client address, read from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]``.

    The same sliding window as DRF's (the times of the client's recent requests), kept on Redis
    as a sorted set and updated in one round trip instead of DRF's read-then-write two: a
    request served from the page cache costs little else. Other cache backends use DRF's own.
    """

    cache_format = "throttle:%(scope)s:%(ident)s"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        backend = caches["default"]
        if not isinstance(backend, RedisCache):
            return super().allow_request(request, view)
        self.key = backend.make_and_validate_key("zset:" + self.get_cache_key(request, view))
        self.now = self.timer()
        member = f"{self.now:.6f}:{uuid.uuid4().hex[:8]}"
        redis = _redis_client(backend)
        pipeline = redis.pipeline(transaction=True)
        pipeline.zremrangebyscore(self.key, 0, self.now - self.duration)
        pipeline.zadd(self.key, {member: self.now})
        pipeline.zcard(self.key)
        pipeline.zrange(self.key, 0, 0, withscores=True)
        pipeline.expire(self.key, self.duration)
        _removed, _added, count, oldest, _expiry = pipeline.execute()
        if count <= self.num_requests:
            return True
        redis.zrem(self.key, member)  # a refused request does not use up the allowance
        self.oldest = oldest[0][1] if oldest else self.now
        return False

    def wait(self):
        if getattr(self, "oldest", None) is None:
            return super().wait()
        return max(0.0, self.oldest + self.duration - self.now)

    def get_rate(self):
        # Read at each request, not at import, so a changed setting takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_ident(self, request):
        return client_ip(request)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


# One Redis client per cache backend object (Django makes one per thread): Django's
# ``get_client`` builds a new client object on each call, a fifth of a cached page's time.
_clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _redis_client(backend: RedisCache):
    client = _clients.get(backend)
    if client is None:
        client = _clients[backend] = backend._cache.get_client(write=True)
    return client


class PublicSearchThrottle(ClientAddressThrottle):
    """Search, detail pages, change log and the public API (``PUBLIC_SEARCH_RATE``)."""

    scope = "public_search"


class PublicDownloadThrottle(ClientAddressThrottle):
    """Open-data files, heavier to build (``PUBLIC_DOWNLOAD_RATE``)."""

    scope = "public_download"


def rate_limited(throttle_class: type[ClientAddressThrottle] = PublicSearchThrottle):
    """Wrap a public page: past the client's rate it answers 429 with a friendly Chinese page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            throttle = throttle_class()
            if throttle.allow_request(request, None):
                return view(request, *args, **kwargs)
            wait = math.ceil(throttle.wait() or 1)
            response = render(request, "blacklist/public/rate_limited.html", {"wait": wait}, status=429)
            response["Retry-After"] = str(wait)
            return response

        return wrapped

    return decorator
