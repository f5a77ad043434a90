"""The public search of the red/black list (section 五.1 "红黑榜"查询矩阵, DESIGN §3 and §5).

One query box, three kinds of query:

* an identifier — a full unified social credit code or a full resident ID number, each checked by
  its check digit; the ID is looked up through its keyed hash and never echoed back;
* a name — any part (two characters or more) of an organisation's name, or the exact full name
  of a natural person. Persons are never matched by part of a name and never listed without a
  query, so the list cannot be harvested name by name;
* nothing — organisations only, newest first (filters may narrow them).

Speed on PostgreSQL (issue 6): a part of a name is matched through a GIN index over the name's
character bigrams (``blacklist_bigrams()``, migration ``0003_public_search``): pg_trgm cannot
serve a two-character Chinese pattern. Results are capped at ``PUBLIC_SEARCH_MAX_RESULTS`` and
never counted past it: a broad match (天津) says "more than N results, refine the query" instead
of running a COUNT(*) over hundreds of thousands of rows. SQLite (the dev default) runs the same
filters as a plain scan.
"""

from __future__ import annotations

import enum
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Lower, StrIndex
from django.utils.translation import gettext_lazy as _

from .crypto import id_number_hash
from .models import CreditSubject
from .validators import mask_id_number, normalise, validate_credit_code, validate_id_number

MIN_NAME_LENGTH = 2
MAX_QUERY_LENGTH = 100
PAGE_SIZE = 20

PERSON = CreditSubject.SubjectType.PERSON
_ALPHANUMERIC = re.compile(r"[0-9A-Z]+")
_ID_SHAPED = re.compile(r"\d{17}[0-9X]")
# A string of 15 or more letters and digits is an attempt at a code or an ID, never a name:
# a partial code or ID must not fall through to a name search.
_IDENTIFIER_MIN_LENGTH = 15


class QueryKind(enum.StrEnum):
    EMPTY = "empty"
    NAME = "name"
    IDENTIFIER = "identifier"


@dataclass(frozen=True)
class PublicQuery:
    """A parsed public query. ``display`` is all a page may echo of it: never a full ID number."""

    kind: QueryKind
    text: str = ""
    credit_code: str = ""
    id_hash: str = ""
    id_masked: str = ""

    @property
    def display(self) -> str:
        if self.kind == QueryKind.IDENTIFIER:
            return self.credit_code or self.id_masked
        return self.text

    @property
    def may_echo(self) -> bool:
        """Whether the query as typed may go back into the search box and into links."""
        return not self.id_hash


EMPTY_QUERY = PublicQuery(QueryKind.EMPTY)


def is_identifier_attempt(raw: str | None) -> bool:
    """Whether ``raw`` reads as a code or an ID number (valid or not) rather than a name."""
    compact = normalise(raw)
    return bool(_ALPHANUMERIC.fullmatch(compact)) and len(compact) >= _IDENTIFIER_MIN_LENGTH


def looks_like_id_number(raw: str | None) -> bool:
    """Whether ``raw`` may be (part of) a resident ID number, which a page must never echo."""
    compact = normalise(raw)
    return len(compact) >= _IDENTIFIER_MIN_LENGTH and (compact.isdigit() or bool(_ID_SHAPED.fullmatch(compact)))


def parse_query(raw: str | None) -> PublicQuery:
    """Classify and check what the visitor typed; raise ``ValidationError`` with a Chinese message.

    A code or ID with a wrong check digit gets the validator's message, which names the 校验位.
    An 18-digit string may be both an ID and a code: it is searched as whichever is valid.
    """
    text = " ".join(str(raw or "").split())
    if not text:
        return EMPTY_QUERY
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationError(_("查询内容不能超过%(max)s个字。"), code="too_long", params={"max": MAX_QUERY_LENGTH})
    if is_identifier_attempt(text):
        return _parse_identifier(normalise(text))
    if len(text) < MIN_NAME_LENGTH:
        raise ValidationError(_("请至少输入两个字：单位名称的一部分，或个人的完整姓名。"), code="too_short")
    return PublicQuery(QueryKind.NAME, text=text)


def _parse_identifier(compact: str) -> PublicQuery:
    id_shaped = compact.isdigit() or bool(_ID_SHAPED.fullmatch(compact))
    id_number = credit_code = ""
    errors: list[ValidationError] = []
    if id_shaped:
        try:
            id_number = validate_id_number(compact)
        except ValidationError as error:
            errors.append(error)
    if not id_shaped or len(compact) == 18:
        try:
            credit_code = validate_credit_code(compact)
        except ValidationError as error:
            errors.append(error)
    if not (id_number or credit_code):
        # Prefer a message about the check digit (the right kind of number with a typo) over one
        # saying it is not that kind at all; between two, an all-digit string reads as an ID.
        raise next((error for error in errors if error.code in ("id_check", "credit_code_check")), errors[0])
    return PublicQuery(
        QueryKind.IDENTIFIER,
        credit_code=credit_code,
        id_hash=id_number_hash(id_number) if id_number else "",
        id_masked=mask_id_number(id_number) if id_number else "",
    )


def bigrams(text: str) -> list[str]:
    """The distinct character pairs of ``text`` in lower case, as SQL ``blacklist_bigrams()`` makes them."""
    lowered = text.lower()
    return sorted({lowered[i : i + 2] for i in range(len(lowered) - 1)})


# Where the rarest bigram of a name part is in more than this share of all names, scanning the
# subjects reaches the limit sooner than the GIN index can hand over its posting list (the whole
# bitmap is built before the first row comes back). Measured at 1,000,000 entries: at a 2% share
# the scan takes 2.3 ms and the index 3 ms, at 1.3% the index 2.2 ms and the scan 3–10 ms, and a
# broad term such as 天津 (40%) is found by the scan in 0.4 ms but costs the index 20 ms.
INDEX_MAX_SHARE = 0.016
# Matching subjects taken per result: a subject has about one entry, not all of them public today.
SUBJECTS_PER_RESULT = 3
_STATISTICS_NAME = "blacklist_subject_name_bigrams_stats"
_STATISTICS_TTL_SECONDS = 600
_bigram_shares_cache: tuple[float, dict[str, float]] | None = None


def bigram_shares() -> dict[str, float]:
    """The share of subjects whose name holds each common bigram, from the planner's own
    statistics (``ANALYZE``; migration 0003). A bigram not listed is rare. Cached per process."""
    global _bigram_shares_cache
    now = time.monotonic()
    if _bigram_shares_cache is not None and now - _bigram_shares_cache[0] < _STATISTICS_TTL_SECONDS:
        return _bigram_shares_cache[1]
    shares: dict[str, float] = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats_ext_exprs "
                "WHERE statistics_name = %s",
                [_STATISTICS_NAME],
            )
            row = cursor.fetchone()
        if row and row[0]:
            # The frequencies end with three summary numbers past the elements; zip drops them.
            shares = dict(zip(row[0], row[1], strict=False))
    _bigram_shares_cache = (now, shares)
    return shares


def _organisations_by_name_part(text: str) -> QuerySet:
    """Organisations whose name contains ``text`` (case-insensitive for Latin letters).

    ``strpos(name, …) > 0`` rather than ``LIKE``: the planner gives it a neutral selectivity, and
    without ``lower()`` (Chinese has no case) it costs 0.3 µs a row. On PostgreSQL, when the
    rarest bigram of ``text`` is rare enough, the GIN index of bigrams hands over the candidates;
    otherwise the subjects are scanned, which stops at the limit after a few hundred rows for a
    broad term.
    """
    lowered = text.lower()
    name = Lower("name") if re.search(r"[a-z]", lowered) else F("name")
    queryset = (
        CreditSubject.objects.exclude(subject_type=PERSON)
        .alias(_name_position=StrIndex(name, Value(lowered)))
        .filter(_name_position__gt=0)
    )
    if connection.vendor == "postgresql":
        shares = bigram_shares()
        rarest = min(bigrams(lowered), key=lambda pair: shares.get(pair, 0))
        if shares.get(rarest, 0) <= INDEX_MAX_SHARE:
            from django.contrib.postgres.fields import ArrayField

            queryset = queryset.alias(
                _name_bigrams=Func("name", function="blacklist_bigrams", output_field=ArrayField(TextField()))
            ).filter(_name_bigrams__contains=[rarest])
    return queryset


@dataclass(frozen=True)
class MatchedSubjects:
    """The subjects a query finds, up to a limit, and whether there were more."""

    ids: list[int]
    more: bool


def match_subjects(query: PublicQuery, *, limit: int) -> MatchedSubjects | None:
    """Subjects ``query`` finds (one query), or None for the empty query (organisations, unmatched).

    A name finds persons of exactly that name and organisations with it in their name; an
    identifier the subject with that code or ID hash. Taken in no particular order, so that the
    database stops at the limit whichever way it finds them.
    """
    if query.kind == QueryKind.EMPTY:
        return None
    if query.kind == QueryKind.IDENTIFIER:
        condition = Q(pk__in=[])
        if query.credit_code:
            condition |= Q(credit_code=query.credit_code)
        if query.id_hash:
            condition |= Q(id_number_hash=query.id_hash)
        subjects = CreditSubject.objects.filter(condition).values_list("pk", flat=True).order_by()
    else:
        persons = CreditSubject.objects.filter(subject_type=PERSON, name=query.text).values_list("pk", flat=True)
        organisations = _organisations_by_name_part(query.text).values_list("pk", flat=True)
        subjects = persons.order_by().union(organisations.order_by(), all=True)
    ids = list(subjects[: limit + 1])
    return MatchedSubjects(ids=ids[:limit], more=len(ids) > limit)


def restrict(entries: QuerySet, matched: MatchedSubjects | None) -> QuerySet:
    """``entries`` of the matched subjects; without a query, of organisations only.
    Persons never appear unless matched by exact full name or ID number."""
    if matched is None:
        return entries.exclude(subject__subject_type=PERSON)
    return entries.filter(subject_id__in=matched.ids)


@dataclass(frozen=True)
class CappedResults:
    """At most ``cap`` matching entries, newest decision first, as rows of
    ``public_selectors.public_rows``, and whether there may be more; never a full count.

    One query: a public search matches a few hundred subjects at most (``match_subjects`` is
    limited), so sorting their entries and taking ``cap + 1`` of them with the public columns
    costs the database less than a second round trip for the page would."""

    rows: list
    truncated: bool
    cap: int

    @classmethod
    def take(cls, entries: QuerySet, *, more_subjects: bool = False, cap: int | None = None) -> CappedResults:
        from .public_selectors import public_rows

        cap = cap or settings.PUBLIC_SEARCH_MAX_RESULTS
        rows = list(public_rows(entries.order_by("-decision_date", "-pk"))[: cap + 1])
        return cls(rows=rows[:cap], truncated=len(rows) > cap or more_subjects, cap=cap)

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def page_count(self) -> int:
        return max(1, -(-self.count // PAGE_SIZE))

    def page_number(self, raw) -> int:
        """The requested page, clamped to the pages there are."""
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = 1
        return min(max(number, 1), self.page_count)

    def page(self, number: int) -> list:
        """The rows of one page (no query: they are all here)."""
        start = (number - 1) * PAGE_SIZE
        return self.rows[start : start + PAGE_SIZE]
