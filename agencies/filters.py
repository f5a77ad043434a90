"""The one FilterSet of supervision orders, serving the list page, its Excel export and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from .forms import MonthField
from .models import Agency, SupervisionOrder
from .selectors import add_months


def _agency_choices():
    agencies = Agency.objects.exclude(kind=Agency.Kind.OFFICE).values_list("pk", "name")
    return [("", _("全部单位")), *agencies]


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2025-05"})
class MonthFilter(django_filters.Filter):
    """A month as ``YYYY-MM``."""

    field_class = MonthField


class SupervisionOrderFilterSet(django_filters.FilterSet):
    """Filters: agency (id, name or alias), kind, state (a status, ``overdue`` or ``pending``), month issued."""

    STATE_CHOICES = [
        *SupervisionOrder.Status.choices,
        ("pending", _("未办结")),
        ("overdue", _("已超期未答复")),
    ]

    agency = django_filters.CharFilter(method="filter_agency", label=_("单位"), widget=forms.Select)
    kind = django_filters.ChoiceFilter(
        choices=SupervisionOrder.Kind.choices, label=_("督办类型"), empty_label=_("全部类型")
    )
    state = django_filters.ChoiceFilter(
        choices=STATE_CHOICES, method="filter_state", label=_("状态"), empty_label=_("全部状态")
    )
    month = MonthFilter(method="filter_month", label=_("下发月份"), help_text=_("YYYY-MM"))

    class Meta:
        model = SupervisionOrder
        fields = ["agency", "kind", "state", "month"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The list page draws the agency as a select; read its choices once, and only if drawn.
        cached: list = []

        def choices():
            if not cached:
                cached.extend(_agency_choices())
            return cached

        self.filters["agency"].extra["widget"] = forms.Select(choices=choices)

    def filter_agency(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(agency_id=int(value))
        named = Agency.objects.filter(Q(name=value) | Q(aliases__name=value)).values("pk")
        return queryset.filter(agency__in=named)

    def filter_state(self, queryset, name, value):
        if value == "pending":
            return queryset.not_closed()
        if value == "overdue":
            return queryset.awaiting_agency().filter(deadline__lt=timezone.localdate())
        return queryset.filter(status=value)

    def filter_month(self, queryset, name, value):
        return queryset.filter(issued_on__gte=value, issued_on__lt=add_months(value, 1))
