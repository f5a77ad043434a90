"""Admin of the reports app. Reports change only through their lifecycle (services), so the admin
shows them read-only with their history; indicators and month locks are plain to manage."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Attachment, Contribution, Indicator, IndicatorValue, MonthLock, MonthReopening, Report


class ReadOnlyMixin:
    """Visible to administrators, changed only by the portal's own pages (so history says who and why)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IndicatorValueInline(ReadOnlyMixin, admin.TabularInline):
    model = IndicatorValue
    extra = 0


class AttachmentInline(ReadOnlyMixin, admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["name", "size", "content_type", "uploaded_by", "uploaded_at"]


class ContributionInline(ReadOnlyMixin, admin.TabularInline):
    model = Contribution
    extra = 0


@admin.register(Report)
class ReportAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["month", "campaign", "agency", "status", "due_date", "submitted_at", "reviewed_at"]
    list_filter = ["status", "month", "agency"]
    search_fields = ["campaign__title", "agency__name", "work_done"]
    list_select_related = ["campaign", "agency"]
    date_hierarchy = "month"
    inlines = [IndicatorValueInline, AttachmentInline, ContributionInline]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["campaign", "name", "unit", "kind", "min_value", "max_value", "required", "is_active"]
    list_filter = ["is_active", "kind", "campaign"]
    search_fields = ["name"]
    list_select_related = ["campaign"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["report", "indicator", "value"]
    list_select_related = ["report__campaign", "report__agency", "indicator"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["name", "report", "size", "content_type", "uploaded_by", "uploaded_at"]
    list_select_related = ["report__campaign", "report__agency", "uploaded_by"]


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["report", "agency", "updated_by", "updated_at"]
    list_select_related = ["report__campaign", "report__agency", "agency", "updated_by"]


class MonthReopeningInline(admin.TabularInline):
    model = MonthReopening
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(MonthLock)
class MonthLockAdmin(SimpleHistoryAdmin):
    list_display = ["month", "note", "locked_by", "locked_at"]
    inlines = [MonthReopeningInline]


@admin.register(MonthReopening)
class MonthReopeningAdmin(SimpleHistoryAdmin):
    list_display = ["lock", "agency", "reason", "reopened_by", "reopened_at"]
    list_select_related = ["lock", "agency", "reopened_by"]
    autocomplete_fields = ["agency"]


# --- Issue 7: reminders sent -------------------------------------------------------------------
from .models import SentReminder  # noqa: E402


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Every reminder sent for an owed report: written by the reminder job only."""

    list_display = ["sent_on", "kind", "sequence", "month", "campaign", "agency", "due_date"]
    list_filter = ["kind", "sent_on", "month"]
    search_fields = ["agency__name", "campaign__title"]
    list_select_related = ["campaign", "agency"]
    date_hierarchy = "sent_on"
