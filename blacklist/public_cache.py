"""A shared cache of the public list pages for anonymous visitors (issue 6: search speed).

The public lists change a few times a day, but a page is asked for many times: a rendered page
is kept in the cache (Redis when ``REDIS_URL`` is set) for ``PUBLIC_PAGE_CACHE_SECONDS`` under a
key made of the lists' version, today's date, the language and a hash of the address, so

* any change to an entry, a subject, a campaign or an agency (``post_save``/``post_delete``,
  after the transaction commits) starts a new version: no visitor sees a removed entry again;
  a change that can reach the open-data files also queues their rebuild
  (``open_data.open_data_rebuild_soon``, at most one every ``OPEN_DATA_REBUILD_DELAY`` seconds);
* the key holds no query text: an ID number typed into the search is only in the hash;
* the rate limit runs before the cache, so a cached page counts like any other;
* each process also keeps its ``LOCAL_PAGES`` most recent pages, which saves the round trip to
  Redis; it reads the version at most once a second, so another process's change reaches it
  within a second.

Only anonymous GET requests are cached, and only answers that set no cookie.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone, translation

from agencies.models import Agency
from campaigns.models import Campaign

from .models import CreditSubject, ListEntry

VERSION_KEY = "credit:lists-version"
# The most asked pages are also kept in each process, saving the round trip to Redis.
LOCAL_PAGES = 256
_local: OrderedDict[str, tuple[float, tuple]] = OrderedDict()
# Each process reads the version at most this often; other processes see a change this late.
_VERSION_READ_SECONDS = 1.0
_version_memo: tuple[float, int] = (0.0, 0)


def lists_version(*, fresh: bool = False) -> int:
    """The public lists' version; ``fresh``: read it now, not as this process saw it within a second."""
    global _version_memo
    now = time.monotonic()
    if fresh or now - _version_memo[0] >= _VERSION_READ_SECONDS:
        _version_memo = (now, cache.get(VERSION_KEY) or 0)
    return _version_memo[1]


def bump_lists_version() -> None:
    """A new version of the public lists: every cached page is out of date. The version is the
    time of the change, so it never returns to an earlier value, even if Redis loses its data."""
    global _version_memo
    cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    _version_memo = (0.0, 0)


def _on_change(sender, instance=None, created: bool = False, **kwargs) -> None:
    transaction.on_commit(bump_lists_version)
    if _may_change_open_data(instance, created):
        transaction.on_commit(_rebuild_open_data_soon)


def _may_change_open_data(instance, created: bool) -> bool:
    """Whether a saved or deleted row can change what the open-data files hold. An entry never
    published (a proposal) and a subject just created (it has no entry yet) cannot: agencies
    propose all day, and a rebuild at 1,000,000 entries costs a minute or more of a worker."""
    if isinstance(instance, ListEntry):
        return instance.published_at is not None
    if isinstance(instance, CreditSubject):
        return not created
    return True


def _rebuild_open_data_soon() -> None:
    from .open_data import open_data_rebuild_soon

    open_data_rebuild_soon()


for _model in (ListEntry, CreditSubject, Campaign, Agency):
    post_save.connect(_on_change, sender=_model, dispatch_uid=f"credit-cache-{_model.__name__}-save")
    post_delete.connect(_on_change, sender=_model, dispatch_uid=f"credit-cache-{_model.__name__}-delete")


def _key(request) -> str:
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    language = translation.get_language() or settings.LANGUAGE_CODE
    return f"credit:page:{lists_version()}:{timezone.localdate().isoformat()}:{language}:{address}"


def _local_get(key: str) -> tuple | None:
    found = _local.get(key)
    if found is None:
        return None
    expires, kept = found
    if expires < time.monotonic():
        _local.pop(key, None)
        return None
    _local.move_to_end(key)
    return kept


def _local_set(key: str, kept: tuple, seconds: int) -> None:
    _local[key] = (time.monotonic() + seconds, kept)
    _local.move_to_end(key)
    while len(_local) > LOCAL_PAGES:
        _local.popitem(last=False)


def cached_public_page(view):
    """Serve an anonymous GET of a public list page from the cache, or render and keep it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not seconds or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = _key(request)
        kept = _local_get(key)
        if kept is None:
            kept = cache.get(key)
            if kept is not None:
                _local_set(key, kept, seconds)
        if kept is not None:
            status, content_type, content = kept
            return HttpResponse(content, status=status, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code in (200, 404) and not response.streaming and not response.cookies:
            kept = (response.status_code, response["Content-Type"], response.content)
            cache.set(key, kept, seconds)
            _local_set(key, kept, seconds)
        return response

    return wrapped
