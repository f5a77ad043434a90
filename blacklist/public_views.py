"""Public pages of the red/black list (section 五.1 "红黑榜"查询矩阵): search, detail, change
log and open data. No login; every page is rate-limited per client and shows only
``PublicEntry`` — never a full ID number."""

from __future__ import annotations

import datetime
import math

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import public_exports, search
from .models import ListEntry
from .open_data import open_data_release_for_visitor
from .permissions import public_entries
from .public_cache import cached_public_page
from .public_filters import PublicListEntryFilterSet
from .public_selectors import (
    CHANGE_LOG_MAX_DAYS,
    PublicEntry,
    changes_page,
    open_data_last_build_seconds,
    public_entry,
)
from .public_throttling import PublicDownloadThrottle, rate_limited


def _querystring(params: QueryDict, **changes) -> str:
    query = params.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = value
    return query.urlencode()


@login_not_required
@require_GET
@rate_limited()
@cached_public_page
def entry_search(request):
    """The search page ``/credit/?q=…``: organisations by part of the name or code, persons by
    exact full name or ID number, at most ``PUBLIC_SEARCH_MAX_RESULTS`` results, 20 a page."""
    today = timezone.localdate()
    filterset = PublicListEntryFilterSet(request.GET, queryset=public_entries(today))
    valid = filterset.is_valid()
    filters = [name for name in filterset.filters if name != "q"]
    filters_used = any(request.GET.get(name) or name in filterset.form.errors for name in filters)
    context = {"filterset": filterset, "form": filterset.form, "filters_used": filters_used}
    if search.looks_like_id_number(request.GET.get("q")):
        # Whatever was typed as an ID number never comes back: not in the box, not in any link.
        filterset.form.data = _without(request.GET, "q")
    if valid:
        query = filterset.query
        results = filterset.results()
        number = results.page_number(request.GET.get("page"))
        context.update(
            query=query,
            results=results,
            entries=[PublicEntry.of(row, link=True) for row in results.page(number)],
            page_number=number,
        )
        if query.may_echo and results.page_count > 1:
            context["page_links"] = [
                (n, "?" + _querystring(request.GET, page=n if n > 1 else None))
                for n in range(1, results.page_count + 1)
            ]
    return render(request, "blacklist/public/search.html", context)


def _without(params: QueryDict, key: str) -> QueryDict:
    copy = params.copy()
    copy.pop(key, None)
    return copy


@login_not_required
@require_GET
@rate_limited()
@cached_public_page
def entry_detail(request, pk: int):
    """One public entry ``/credit/<id>/`` (the id of the API). A person's entry opens only from a
    search result's signed link; anything not public today is a friendly 404."""
    entry = public_entry(pk, today=timezone.localdate(), token=request.GET.get("t"))
    if entry is None:
        return render(request, "blacklist/public/not_found.html", status=404)
    return render(request, "blacklist/public/detail.html", {"entry": entry})


@login_not_required
@require_GET
@rate_limited()
@cached_public_page
def change_log(request):
    """Changes to the public lists since a date ``/credit/changes/?since=YYYY-MM-DD``: listed,
    expired, removed, repaired; at most a year back, 50 a page, persons by surname only."""
    today = timezone.localdate()
    earliest = today - datetime.timedelta(days=CHANGE_LOG_MAX_DAYS)
    raw_since = request.GET.get("since", "")
    error = ""
    since = None
    if raw_since:
        try:
            since = parse_date(raw_since)
        except ValueError:
            since = None
        if since is None:
            error = _("请按“年-月-日”填写日期，例如 %(example)s。") % {"example": today.replace(day=1).isoformat()}
        elif since < earliest:
            error = _("最多可查询一年内的变动，请选择 %(earliest)s 以后的日期。") % {"earliest": earliest.isoformat()}
        elif since > today:
            error = _("起始日期不能晚于今天。")
    if since is None or error:
        since = today - datetime.timedelta(days=30)
    list_ = request.GET.get("list", "")
    if list_ not in ListEntry.List.values:
        list_ = ""
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    changes, has_next = ([], False) if error else changes_page(since=since, today=today, page=page, list_=list_)
    context = {
        "since": since,
        "today": today,
        "earliest": earliest,
        "error": error,
        "list": list_,
        "lists": ListEntry.List.choices,
        "changes": changes,
        "page": page,
        "previous_link": "?" + _querystring(request.GET, page=page - 1 if page > 2 else None) if page > 1 else "",
        "next_link": "?" + _querystring(request.GET, page=page + 1) if has_next else "",
    }
    return render(request, "blacklist/public/changes.html", context)


@login_not_required
@require_GET
@rate_limited()
def open_data(request):
    """The open-data page: what the files hold, as of when, their sizes and the download links.
    Not in the page cache: a new build changes it without changing the lists' version."""
    release = open_data_release_for_visitor(today=timezone.localdate())
    files = [(fmt, release.size(fmt) if release else None) for fmt in ("xlsx", "csv", "json")]
    return render(
        request,
        "blacklist/public/open_data.html",
        {"columns": public_exports.COLUMNS, "release": release, "files": files},
    )


@login_not_required
@require_GET
@rate_limited(PublicDownloadThrottle)
def open_data_file(request, fmt: str):
    """Every entry public today as CSV, JSON or XLSX (no ID numbers, persons by surname only): the
    day's built file. Before the day's first build, CSV and JSON are made while they are sent and
    XLSX, too slow for that, answers 503 with when to come back; the build is queued."""
    if fmt not in public_exports.FORMATS:
        raise Http404
    today = timezone.localdate()
    release = open_data_release_for_visitor(today=today)
    if release is not None:
        try:
            return public_exports.release_response(release, fmt)
        except FileNotFoundError:
            pass  # pruned by a newer build a moment ago, or removed by hand: answer as before a build
    if fmt != "xlsx":
        return public_exports.streaming_response(fmt, today=today)
    wait = max(30, math.ceil((open_data_last_build_seconds() or 60) * 1.5))
    response = render(
        request, "blacklist/public/open_data_preparing.html", {"minutes": math.ceil(wait / 60)}, status=503
    )
    response["Retry-After"] = str(wait)
    return response
