"""The one FilterSet of reports: serves the list pages, the Excel export and the API alike."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from agencies.models import Agency

from .models import Report
from .selectors import MONTH_PATTERN, parse_month

MONTH_MESSAGE = _("月份格式应为 YYYY-MM，例如 2026-03。")


class MonthFormField(forms.CharField):
    """A month written ``YYYY-MM`` (what ``<input type="month">`` sends), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})
    default_validators = [RegexValidator(MONTH_PATTERN, MONTH_MESSAGE, code="month")]

    def to_python(self, value):
        value = super().to_python(value)
        return value.strip() if value else value

    def clean(self, value):
        text = super().clean(value)
        return parse_month(text) if text else None


@extend_schema_field({"type": "string", "pattern": MONTH_PATTERN, "example": "2026-03"})
class MonthFilter(django_filters.Filter):
    field_class = MonthFormField


class ReportFilterSet(django_filters.FilterSet):
    month = MonthFilter(field_name="month", label=_("月份"), help_text=_("YYYY-MM"))
    campaign = django_filters.NumberFilter(field_name="campaign__number", label=_("专项治理编号"))
    agency = django_filters.CharFilter(method="filter_agency", label=_("牵头单位"), help_text=_("单位名称或别名"))
    status = django_filters.ChoiceFilter(choices=Report.Status.choices, label=_("状态"))
    is_late = django_filters.BooleanFilter(method="filter_is_late", label=_("逾期提交"))

    class Meta:
        model = Report
        fields = ["month", "campaign", "agency", "status", "is_late"]

    def filter_agency(self, queryset, name, value):
        """Reports of the agency named ``value`` or known by it as an alias (区审批局 = 区行政审批局)."""
        value = value.strip()
        if not value:
            return queryset
        named = Agency.objects.filter(Q(name=value) | Q(aliases__name=value)).values("pk")
        return queryset.filter(agency_id__in=named)

    def filter_is_late(self, queryset, name, value):
        """First submitted after the due day ended, in Asia/Shanghai (the database's ``__date`` uses TIME_ZONE)."""
        late = Q(submitted_at__date__gt=F("due_date"))
        if value is None:
            return queryset
        return queryset.filter(late) if value else queryset.exclude(late)
