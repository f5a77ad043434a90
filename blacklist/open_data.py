"""Open data as published files (issue 6 §5; plan section 五.1 红黑榜 and 四.3 信息公示): the
current public lists as CSV, JSON and XLSX, built once by a Celery task and downloaded many times.

When the files are built (``blacklist.tasks.build_open_data``):

* daily, just after midnight (beat; ``xiqing_credit/schedule.py``): a new day ends some
  publicity periods and starts others;
* after a change to the public lists (``public_cache``: the lists' version bump), debounced: the
  first change queues a rebuild ``OPEN_DATA_REBUILD_DELAY`` seconds later and every change until
  that rebuild starts is in it, so there is at most one rebuild per delay;
* when a visitor finds no file of today (first day, or the worker was down), queued once.

Without a worker (no ``REDIS_URL``: ``make run``, tasks in-process) nothing runs later, so the
page or download that finds the files missing or out of date builds them at once
(``OPEN_DATA_BUILD_ON_REQUEST``); demo-sized lists take a fraction of a second.
"""

from __future__ import annotations

import datetime
import logging
import tempfile
import time
import uuid
from contextlib import ExitStack

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.utils import timezone
from kombu.exceptions import OperationalError

from . import public_exports
from .models import OpenDataRelease
from .public_cache import lists_version
from .public_selectors import open_data_release

logger = logging.getLogger(__name__)

# A rebuild after a change is queued; changes until it starts are in it (the debounce).
REBUILD_QUEUED_KEY = "open-data:rebuild-queued"
# A visitor found no file of today and a build is queued.
BUILD_QUEUED_KEY = "open-data:build-queued"
# A build is running (one at a time).
BUILDING_KEY = "open-data:building"


def open_data_release_build(*, today: datetime.date) -> OpenDataRelease:
    """Build the CSV, JSON and XLSX files of every entry public on ``today`` in one pass over the
    entries (``public_exports.write_files``: no ID number, persons by surname only, formula-looking
    text made safe), keep them in the default storage and record the release (section 五.1).
    Only the newest ``OPEN_DATA_KEEP_RELEASES`` releases keep their files."""
    version = lists_version(fresh=True)  # read before the entries: a later change makes the release stale
    built_at = timezone.now()
    started = time.perf_counter()
    release = OpenDataRelease(as_of=today, built_at=built_at, lists_version=version)
    stamp = timezone.localtime(built_at).strftime("%H%M%S")
    with ExitStack() as stack:
        handles = {fmt: stack.enter_context(tempfile.TemporaryFile()) for fmt in OpenDataRelease.FORMATS}
        release.entry_count = public_exports.write_files(today, handles)
        try:
            for fmt, handle in handles.items():
                setattr(release, f"{fmt}_size", handle.seek(0, 2))
                handle.seek(0)
                release.file(fmt).save(f"list-entries-{today.isoformat()}-{stamp}.{fmt}", File(handle), save=False)
            release.build_seconds = round(time.perf_counter() - started, 3)
            release.full_clean()
            release.save()
        except BaseException:
            _delete_files(release)
            raise
    _prune_releases(keep=settings.OPEN_DATA_KEEP_RELEASES)
    return release


def _delete_files(release: OpenDataRelease) -> None:
    for fmt in OpenDataRelease.FORMATS:
        stored = release.file(fmt)
        if stored:
            stored.storage.delete(stored.name)


def _prune_releases(*, keep: int) -> None:
    """Older releases give up their files (a download that already opened one still completes);
    their rows stay as the record of what was published when."""
    with_files = OpenDataRelease.objects.exclude(csv_file="", json_file="", xlsx_file="").order_by("-built_at", "-pk")
    old = list(with_files[keep:])
    for release in old:
        _delete_files(release)
    if old:
        OpenDataRelease.objects.filter(pk__in=[release.pk for release in old]).update(
            csv_file="", json_file="", xlsx_file=""
        )


def open_data_release_refresh(*, today: datetime.date) -> OpenDataRelease | None:
    """Bring the open-data files up to date for ``today`` (the task ``build_open_data``; section
    五.1): nothing to do when the newest release already holds today's current lists; one build at
    a time.

    A build that finds another running returns None: the running one queues a rebuild when the
    lists changed while it read them, so no change is left out."""
    # From here on a change queues a rebuild of its own: this one may read before it.
    cache.delete(REBUILD_QUEUED_KEY)
    try:
        current = open_data_release(today)
        if current is not None and current.lists_version == lists_version(fresh=True):
            return current
        token = uuid.uuid4().hex
        if not cache.add(BUILDING_KEY, token, timeout=settings.OPEN_DATA_BUILD_LOCK_SECONDS):
            return None
        try:
            release = open_data_release_build(today=today)
        finally:
            if cache.get(BUILDING_KEY) == token:
                cache.delete(BUILDING_KEY)
    finally:
        cache.delete(BUILD_QUEUED_KEY)
    if lists_version(fresh=True) != release.lists_version:
        open_data_rebuild_soon()
    return release


def open_data_rebuild_soon() -> bool:
    """The public lists changed: rebuild the files ``OPEN_DATA_REBUILD_DELAY`` seconds from now,
    unless a rebuild is queued already (it has not read the lists yet, so this change is in it).
    Called after the change is committed. Returns whether a rebuild was queued."""
    if settings.OPEN_DATA_BUILD_ON_REQUEST:
        return False  # no worker: the next page or download that finds the files out of date builds them
    delay = settings.OPEN_DATA_REBUILD_DELAY
    # Longer than the delay, so a slow queue does not start a second rebuild; short enough that a
    # message lost with the broker blocks rebuilds only for a while.
    if not cache.add(REBUILD_QUEUED_KEY, time.time(), timeout=2 * delay + 600):
        return False
    return _queue(REBUILD_QUEUED_KEY, countdown=delay)


def _queue(key: str, *, countdown: int = 0) -> bool:
    from .tasks import build_open_data

    try:
        build_open_data.apply_async(countdown=countdown)
    except OperationalError:
        # The change is committed; a broker outage must not turn it into an error page. The next
        # change, visitor or the daily job queues the build again.
        cache.delete(key)
        logger.warning("open data: could not queue a build (broker unavailable)", exc_info=True)
        return False
    return True


def open_data_release_for_visitor(*, today: datetime.date) -> OpenDataRelease | None:
    """The release a visitor of the open-data page or a download gets on ``today``.

    With a worker: the newest release of today (at most one rebuild delay behind a change), or
    None before the day's first build, which is then queued, once. Without a worker: files missing
    or out of date are built now."""
    release = open_data_release(today)
    if settings.OPEN_DATA_BUILD_ON_REQUEST:
        if release is None or release.lists_version != lists_version(fresh=True):
            release = open_data_release_refresh(today=today) or open_data_release(today)
        return release
    if release is None and cache.add(BUILD_QUEUED_KEY, time.time(), timeout=settings.OPEN_DATA_BUILD_LOCK_SECONDS):
        _queue(BUILD_QUEUED_KEY)
    return release
