"""Read-only API of the plan's campaigns: public, since the plan itself is public."""

from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from .filters import CampaignFilterSet
from .models import Campaign


class CampaignSerializer(serializers.ModelSerializer):
    lead_agencies = serializers.SerializerMethodField(help_text="牵头单位，按方案原文顺序")
    participating_agencies = serializers.SerializerMethodField(help_text="参与单位，按方案原文顺序")

    class Meta:
        model = Campaign
        fields = [
            "number",
            "code",
            "kind",
            "title",
            "lead_agencies",
            "participating_agencies",
            "participants_note",
            "text",
        ]

    def get_lead_agencies(self, campaign: Campaign) -> list[str]:
        return campaign.lead_names()

    def get_participating_agencies(self, campaign: Campaign) -> list[str]:
        return campaign.participant_names()


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Campaign.objects.with_agencies()
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet
    permission_classes = [AllowAny]
    lookup_field = "number"
    pagination_class = None
