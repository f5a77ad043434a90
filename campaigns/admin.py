from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Campaign, CampaignLead, CampaignParticipant


class CampaignLeadInline(admin.TabularInline):
    model = CampaignLead
    extra = 0
    autocomplete_fields = ["agency"]


class CampaignParticipantInline(admin.TabularInline):
    model = CampaignParticipant
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["number", "code", "title", "kind"]
    list_filter = ["kind", "section"]
    search_fields = ["title", "code"]
    inlines = [CampaignLeadInline, CampaignParticipantInline]
