"""The one FilterSet of the public list search, shared by the page ``/credit/`` and the API
``/api/v1/public/list-entries/`` (section 五.1, DESIGN §3): same query rules, same filters."""

from __future__ import annotations

import time
from functools import lru_cache

import django_filters
from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from campaigns.models import Campaign

from . import search
from .models import ListEntry

# The filter choices change only when the plan or an agency changes; a page must not pay two
# queries for them on every search.
_CHOICES_TTL_SECONDS = 300
_choices_cache: dict[str, tuple[float, list]] = {}


def _cached_choices(key: str, load) -> list:
    now = time.monotonic()
    cached = _choices_cache.get(key)
    if cached is None or now - cached[0] > _CHOICES_TTL_SECONDS:
        cached = (now, load())
        _choices_cache[key] = cached
    return cached[1]


def campaign_choices() -> list[tuple[int, str]]:
    return _cached_choices(
        "campaigns",
        lambda: [(number, f"{number}. {title}") for number, title in Campaign.objects.values_list("number", "title")],
    )


def agency_choices() -> list[tuple[int, str]]:
    return _cached_choices(
        "agencies",
        lambda: list(Agency.objects.filter(is_active=True).exclude(kind=Agency.Kind.GROUP).values_list("pk", "name")),
    )


def clear_choices_cache() -> None:
    _choices_cache.clear()


class Select(forms.Select):
    """A select rendered in Python from options escaped once per process. Django renders each
    option through a template (60 µs apiece): the 70 options of the filters cost more than the
    whole search in the database. (Named ``Select`` so that the shared ``bs`` template filter
    styles it as a select.)"""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = "" if value is None else str(value[0] if isinstance(value, list | tuple) and value else value)
        choices = tuple((str(key), str(label)) for key, label in self.choices)
        return format_html("<select{}>{}</select>", flatatt(final_attrs), _options_html(choices, selected))


@lru_cache(maxsize=256)
def _options_html(choices: tuple[tuple[str, str], ...], selected: str) -> str:
    """The escaped ``<option>`` elements of ``choices``, ``selected`` marked so."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((key, " selected" if selected and key == selected else "", label) for key, label in choices),
    )


class FastInput:
    """Text and date inputs rendered in Python, for the same reason as ``Select``."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs.update(type=self.input_type, name=name)
        formatted = self.format_value(value)
        if formatted not in (None, ""):
            final_attrs["value"] = formatted
        return format_html("<input{}>", flatatt(final_attrs))


class FastTextInput(FastInput, forms.TextInput):
    pass


class FastDateInput(FastInput, forms.DateInput):
    input_type = "date"


class PublicSearchForm(forms.Form):
    def clean_q(self) -> search.PublicQuery:
        return search.parse_query(self.cleaned_data.get("q"))

    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("decided_after"), cleaned.get("decided_before")
        if after and before and after > before:
            self.add_error("decided_before", _("结束日期不能早于开始日期。"))
        return cleaned


class PublicListEntryFilterSet(django_filters.FilterSet):
    """Filters of public entries. Without ``q`` only organisations are listed: persons are found
    by exact full name or full ID number only (``search.matching``)."""

    q = django_filters.CharFilter(
        method="filter_q",
        label=_("查询内容"),
        help_text=_("单位名称（至少两个字）或统一社会信用代码；个人请输入完整姓名或18位身份证号码。"),
        max_length=search.MAX_QUERY_LENGTH * 2,
        widget=FastTextInput(attrs={"autocomplete": "off"}),
    )
    list = django_filters.ChoiceFilter(
        choices=ListEntry.List.choices, label=_("名单类型"), empty_label=_("全部"), widget=Select
    )
    campaign = django_filters.ChoiceFilter(
        choices=campaign_choices,
        field_name="campaign__number",
        label=_("专项治理"),
        empty_label=_("全部"),
        widget=Select,
    )
    agency = django_filters.ChoiceFilter(
        choices=agency_choices,
        field_name="deciding_agency_id",
        label=_("认定部门"),
        empty_label=_("全部"),
        widget=Select,
    )
    decided_after = django_filters.DateFilter(
        field_name="decision_date",
        lookup_expr="gte",
        label=_("决定日期自"),
        widget=FastDateInput(format="%Y-%m-%d"),
    )
    decided_before = django_filters.DateFilter(
        field_name="decision_date",
        lookup_expr="lte",
        label=_("决定日期至"),
        widget=FastDateInput(format="%Y-%m-%d"),
    )

    class Meta:
        model = ListEntry
        fields = ["q", "list", "campaign", "agency", "decided_after", "decided_before"]
        form = PublicSearchForm

    def __init__(self, data=None, *args, **kwargs):
        # Always bound: an unbound FilterSet would skip filter_queryset and list persons.
        super().__init__(data if data is not None else {}, *args, **kwargs)

    @property
    def query(self) -> search.PublicQuery:
        """The parsed query (``EMPTY_QUERY`` until the form is valid)."""
        if self.is_bound and self.is_valid():
            return self.form.cleaned_data.get("q") or search.EMPTY_QUERY
        return search.EMPTY_QUERY

    def filter_q(self, queryset, name, value):
        # The query picks subjects, not entries: see filter_queryset.
        return queryset

    def filter_queryset(self, queryset):
        """Entry filters, then the subjects the query matched (``search.match_subjects``)."""
        queryset = super().filter_queryset(queryset)
        matched = search.match_subjects(self.query, limit=search.SUBJECTS_PER_RESULT * (self.cap + 1))
        self.more_subjects = bool(matched and matched.more)
        return search.restrict(queryset, matched)

    @property
    def cap(self) -> int:
        return settings.PUBLIC_SEARCH_MAX_RESULTS

    def results(self) -> search.CappedResults:
        """The capped result of a valid query (two queries: subjects, then entries)."""
        entries = self.qs
        return search.CappedResults.take(entries, more_subjects=self.more_subjects, cap=self.cap)
