"""One FilterSet per model, serving the staff list pages and the API alike."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from campaigns.models import Campaign

from .crypto import id_number_hash
from .models import ListEntry, RepairApplication
from .validators import normalise

ALL = _("全部")
DATE = forms.DateInput(attrs={"type": "date"})


class ListEntryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("主体名称、代码或身份证号码"), method="filter_q")
    list = django_filters.ChoiceFilter(label=_("名单类型"), choices=ListEntry.List.choices, empty_label=ALL)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ListEntry.Status.choices, empty_label=ALL)
    severity = django_filters.ChoiceFilter(label=_("失信等级"), choices=ListEntry.Severity.choices, empty_label=ALL)
    campaign = django_filters.ModelChoiceFilter(
        label=_("专项治理"), queryset=Campaign.objects.all(), to_field_name="number", empty_label=ALL
    )
    deciding_agency = django_filters.ModelChoiceFilter(
        label=_("认定部门"), queryset=Agency.objects.all(), to_field_name="name", empty_label=ALL
    )
    decided_from = django_filters.DateFilter(
        label=_("决定日期自"), field_name="decision_date", lookup_expr="gte", widget=DATE
    )
    decided_to = django_filters.DateFilter(
        label=_("决定日期至"), field_name="decision_date", lookup_expr="lte", widget=DATE
    )

    class Meta:
        model = ListEntry
        fields = ["q", "list", "status", "severity", "campaign", "deciding_agency", "decided_from", "decided_to"]

    def filter_q(self, queryset, name, value):
        """Staff search: part of a name, a full credit code, or a full ID number (by its keyed hash)."""
        value = value.strip()
        key = normalise(value)
        condition = Q(subject__name__contains=value) | Q(decision_number__contains=value)
        if len(key) == 18:
            condition |= Q(subject__credit_code=key) | Q(subject__id_number_hash=id_number_hash(key))
        return queryset.filter(condition)


class RepairApplicationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RepairApplication.Status.choices, empty_label=ALL)
    overdue = django_filters.BooleanFilter(
        label=_("已超期"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", ALL), ("true", _("是")), ("false", _("否"))]),
    )

    class Meta:
        model = RepairApplication
        fields = ["status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        overdue = Q(status=RepairApplication.Status.SUBMITTED, due_date__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
