"""What the public may see of the red/black list (section 五.1, DESIGN §3 and §5).

``PublicEntry`` is the only shape in which an entry leaves the portal for an anonymous visitor:
pages, the public API, the change log and the open-data files all go through it, so none of
them can reach a subject's encrypted ID number. A person shows the masked ID
(``3423011964****3224``); an ID number that staff typed into a free-text field is masked too.

In bulk outputs (change log, open data) a person appears with the surname only (``张*``) and no
ID at all: persons are found one at a time, by exact full name or full ID number, so the list
cannot be harvested name by name. A person's detail page needs a signed link that only a
search result carries, so it cannot be reached by counting ids either.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.db import connection
from django.db.models import DateField, F, QuerySet, Value
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .masking import mask_person_name, redact
from .models import CreditSubject, ListEntry, OpenDataRelease
from .permissions import public_entries

# The columns of an entry the public may see, read as plain rows (``public_rows``): no model
# instances (four per entry through ``select_related``) and never the encrypted ID number.
PUBLIC_ROW_FIELDS = (
    "id",
    "list",
    "severity",
    "reason",
    "basis",
    "decision_number",
    "decision_date",
    "publish_from",
    "publish_until",
    "subject__subject_type",
    "subject__name",
    "subject__credit_code",
    "subject__id_number_masked",
    "campaign__number",
    "campaign__title",
    "deciding_agency__name",
)
_DETAIL_SALT = "blacklist.public.detail"
DETAIL_LINK_MAX_AGE = datetime.timedelta(hours=12)


def person_detail_token(entry_id: int) -> str:
    """A signed, expiring token that opens one person's entry; only a search result carries it."""
    return signing.TimestampSigner(salt=_DETAIL_SALT).sign(str(entry_id)).split(":", 1)[1]


def person_detail_token_valid(entry_id: int, token: str | None) -> bool:
    if not token:
        return False
    try:
        value = signing.TimestampSigner(salt=_DETAIL_SALT).unsign(f"{entry_id}:{token}", max_age=DETAIL_LINK_MAX_AGE)
    except signing.BadSignature:
        return False
    return value == str(entry_id)


@lru_cache(maxsize=8)
def _choice_labels(language: str) -> dict[str, dict[str, str]]:
    return {
        "list": {value: str(label) for value, label in ListEntry.List.choices},
        "severity": {value: str(label) for value, label in ListEntry.Severity.choices},
        "status": {value: str(label) for value, label in ListEntry.Status.choices},
        "subject_type": {value: str(label) for value, label in CreditSubject.SubjectType.choices},
    }


def choice_labels() -> dict[str, dict[str, str]]:
    """The labels of the list, severity, status and subject type choices in the active language.

    ``get_FOO_display()`` hashes every lazy label on each call: 1 ms an entry, which a list of
    thousands (open data, batch screening) cannot afford."""
    return _choice_labels(translation.get_language() or settings.LANGUAGE_CODE)


def public_rows(entries: QuerySet) -> QuerySet:
    """``entries`` as rows of ``PUBLIC_ROW_FIELDS`` (named tuples), the input of ``PublicEntry.of``:
    one query with the joins, and no more of the related rows than the public sees (a campaign's
    full plan text is not needed for its title)."""
    return entries.values_list(*PUBLIC_ROW_FIELDS, named=True)


@dataclass(frozen=True)
class PublicEntry:
    """One entry as the public may see it; built only by ``PublicEntry.of``."""

    id: int
    list: str
    list_label: str
    subject_type: str
    subject_type_label: str
    is_person: bool
    subject_name: str
    subject_key: str  # credit code, or masked ID number, or "" in bulk outputs for persons
    campaign_number: int
    campaign_title: str
    severity: str
    severity_label: str
    reason: str
    basis: str
    deciding_agency: str
    decision_number: str
    decision_date: datetime.date
    publish_from: datetime.date | None
    publish_until: datetime.date | None
    detail_url: str = ""

    @classmethod
    def of(cls, row, *, bulk: bool = False, link: bool = False) -> PublicEntry:
        """The public view of one row of ``public_rows``.

        ``bulk``: for lists of many entries (change log, open data): persons by surname only.
        ``link``: with the detail page's address, signed for a person.
        """
        pk = row.id
        subject_type = row.subject__subject_type
        is_person = subject_type == CreditSubject.SubjectType.PERSON
        labels = choice_labels()
        if is_person and bulk:
            name, key = mask_person_name(row.subject__name), ""
        else:
            name, key = row.subject__name, (row.subject__id_number_masked if is_person else row.subject__credit_code)
        detail_url = ""
        if link and not (is_person and bulk):
            detail_url = reverse("credit:detail", args=[pk])
            if is_person:
                detail_url += f"?t={person_detail_token(pk)}"
        return cls(
            id=pk,
            list=row.list,
            list_label=labels["list"][row.list],
            subject_type=subject_type,
            subject_type_label=labels["subject_type"][subject_type],
            is_person=is_person,
            subject_name=name,
            subject_key=key,
            campaign_number=row.campaign__number,
            campaign_title=row.campaign__title,
            severity=row.severity,
            severity_label=labels["severity"].get(row.severity, ""),
            reason=redact(row.reason),
            basis=redact(row.basis),
            deciding_agency=row.deciding_agency__name,
            decision_number=redact(row.decision_number),
            decision_date=row.decision_date,
            publish_from=row.publish_from,
            publish_until=row.publish_until,
            detail_url=detail_url,
        )


def public_entry(entry_id: int, *, today: datetime.date, token: str | None) -> PublicEntry | None:
    """The public entry ``entry_id``, or None when it is not public today — or is a person's and
    ``token`` is not the signed one from a search result."""
    row = public_rows(public_entries(today).filter(pk=entry_id)).first()
    if row is None:
        return None
    entry = PublicEntry.of(row)
    if entry.is_person and not person_detail_token_valid(entry.id, token):
        return None
    return entry


def open_data_entries(today: datetime.date) -> QuerySet:
    """Every entry public today, for the open-data files: red list first, newest first."""
    return public_rows(public_entries(today).order_by("-list", "-decision_date", "-pk"))


def open_data_release(today: datetime.date) -> OpenDataRelease | None:
    """The newest built open-data files of ``today``'s public lists, or None before the day's
    first build: a file of an earlier day may hold entries whose publicity has ended."""
    return (
        OpenDataRelease.objects.filter(as_of=today)
        .exclude(csv_file="")
        .exclude(json_file="")
        .exclude(xlsx_file="")
        .order_by("-built_at", "-pk")
        .first()
    )


def open_data_last_build_seconds() -> float | None:
    """How long the last build of the open-data files took, to tell a visitor when to come back."""
    return OpenDataRelease.objects.order_by("-built_at", "-pk").values_list("build_seconds", flat=True).first()


# --- change log ---------------------------------------------------------------------------------

CHANGE_LOG_MAX_DAYS = 366
CHANGE_LOG_PAGE_SIZE = 50


class ChangeKind:
    LISTED = "listed"
    EXPIRED = "expired"
    REMOVED = "removed"
    REPAIRED = "repaired"

    LABELS = {
        LISTED: _("列入公示"),
        EXPIRED: _("公示期满"),
        REMOVED: _("移出名单"),
        REPAIRED: _("信用修复"),
    }


@dataclass(frozen=True)
class Change:
    kind: str
    date: datetime.date
    entry: PublicEntry
    is_public_now: bool

    @property
    def label(self) -> str:
        return str(ChangeKind.LABELS[self.kind])


def change_events(*, since: datetime.date, today: datetime.date, list_: str = "", limit: int | None = None) -> QuerySet:
    """(entry id, kind, date) of every change to the public lists from ``since`` to ``today``,
    newest first: listed (publicity began), expired (publicity ended), removed, repaired.
    Only entries that were ever published take part.

    ``limit``: only the first ``limit`` changes are wanted. Where the database allows a limit
    inside a UNION (PostgreSQL), each kind then reads its own index newest first and stops after
    ``limit`` rows (``ListEntry.Meta.indexes``), instead of sorting every change of the period:
    at 1,000,000 entries a month can hold 100,000 changes (``bench/search.py`` prints the change log's timings)."""
    was_published = ListEntry.objects.filter(published_at__isnull=False, publish_from__isnull=False)
    if list_:
        was_published = was_published.filter(list=list_)
    per_kind = limit if limit is not None and connection.features.supports_slicing_ordering_in_compound else None

    def events(queryset, kind: str, date, **date_range):
        rows = (
            queryset.annotate(kind=Value(kind), date=date)
            .filter(**{f"date__{lookup}": value for lookup, value in date_range.items()})
            .values_list("pk", "kind", "date")
        )
        return rows.order_by("-date", "-pk")[:per_kind] if per_kind else rows.order_by()

    listed = events(was_published, ChangeKind.LISTED, F("publish_from"), gte=since, lte=today)
    expired = events(
        was_published.filter(status__in=[ListEntry.Status.PUBLISHED, ListEntry.Status.EXPIRED]),
        ChangeKind.EXPIRED,
        F("publish_until"),
        gte=since,
        lt=today,
    )
    removed = events(
        was_published.filter(status=ListEntry.Status.REMOVED),
        ChangeKind.REMOVED,
        TruncDate("removed_at", output_field=DateField()),
        gte=since,
        lte=today,
    )
    repaired = events(
        was_published.filter(status=ListEntry.Status.REPAIRED),
        ChangeKind.REPAIRED,
        TruncDate("repaired_at", output_field=DateField()),
        gte=since,
        lte=today,
    )
    return listed.union(expired, removed, repaired, all=True).order_by("-date", "-pk")


def changes_page(
    *, since: datetime.date, today: datetime.date, page: int, list_: str = ""
) -> tuple[list[Change], bool]:
    """One page of changes and whether there is a next one (no count: a year may hold many)."""
    start = (page - 1) * CHANGE_LOG_PAGE_SIZE
    end = start + CHANGE_LOG_PAGE_SIZE + 1
    rows = list(change_events(since=since, today=today, list_=list_, limit=end)[start:end])
    has_next = len(rows) > CHANGE_LOG_PAGE_SIZE
    rows = rows[:CHANGE_LOG_PAGE_SIZE]
    ids = [pk for pk, _kind, _date in rows]
    entries = {row.id: row for row in public_rows(ListEntry.objects.filter(pk__in=ids))}
    public_ids = set(public_entries(today).filter(pk__in=ids).values_list("pk", flat=True))
    changes = []
    for pk, kind, date in rows:
        entry = entries[pk]
        is_public = pk in public_ids
        changes.append(
            Change(
                kind=kind,
                date=date,
                entry=PublicEntry.of(entry, bulk=True, link=is_public),
                is_public_now=is_public,
            )
        )
    return changes, has_next
