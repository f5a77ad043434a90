"""Filters shared by the campaign pages and API."""

import django_filters
from django.db.models import Q

from .models import Campaign


class CampaignFilterSet(django_filters.FilterSet):
    agency = django_filters.CharFilter(method="filter_agency", label="单位")

    class Meta:
        model = Campaign
        fields = ["kind", "agency"]

    def filter_agency(self, queryset, name, value):
        """Campaigns the named agency (or one of its aliases) leads or takes part in."""
        named = Q(name=value) | Q(aliases__name=value)
        return queryset.filter(
            Q(leads__agency__in=_agencies(named)) | Q(participants__agency__in=_agencies(named))
        ).distinct()


def _agencies(condition):
    from agencies.models import Agency

    return Agency.objects.filter(condition).values("pk")
