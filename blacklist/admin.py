from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CreditSubject,
    IdRevealLog,
    ListEntry,
    ListExport,
    ListImport,
    OpenDataRelease,
    PublicityPeriod,
    RepairApplication,
    RepairEvidence,
)


@admin.register(CreditSubject)
class CreditSubjectAdmin(SimpleHistoryAdmin):
    """Subjects: the ID number shows only masked here too; a reveal goes through the staff page."""

    list_display = ["name", "subject_type", "credit_code", "id_number_masked", "created_at"]
    list_filter = ["subject_type"]
    search_fields = ["name", "credit_code"]
    readonly_fields = ["id_number_masked", "created_at", "updated_at"]
    exclude = ["id_number_encrypted", "id_number_hash"]


@admin.register(ListEntry)
class ListEntryAdmin(SimpleHistoryAdmin):
    list_display = ["subject", "list", "severity", "status", "campaign", "deciding_agency", "decision_date"]
    list_filter = ["list", "severity", "status", "deciding_agency"]
    search_fields = ["subject__name", "subject__credit_code", "decision_number"]
    raw_id_fields = ["subject", "import_batch"]
    readonly_fields = ["proposed_at", "updated_at"]


@admin.register(PublicityPeriod)
class PublicityPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["list", "severity", "is_published", "min_months", "max_months"]
    list_editable = ["is_published", "min_months", "max_months"]


@admin.register(ListImport)
class ListImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "agency", "created_by", "status", "imported_count", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["errors", "created_at", "finished_at"]


@admin.register(ListExport)
class ListExportAdmin(admin.ModelAdmin):
    """Background Excel exports (issue 9 §3): who asked, with which filter, and how it went."""

    list_display = ["created_at", "created_by", "status", "total_rows", "finished_at"]
    list_filter = ["status"]
    readonly_fields = ["query", "created_at", "finished_at"]


@admin.register(IdRevealLog)
class IdRevealLogAdmin(admin.ModelAdmin):
    """The reveal log is evidence: read-only, never deleted from the admin."""

    list_display = ["revealed_at", "user", "subject", "reason", "ip_address"]
    list_filter = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RepairEvidenceInline(admin.TabularInline):
    model = RepairEvidence
    extra = 0


@admin.register(RepairApplication)
class RepairApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["applicant_name", "entry", "status", "submitted_at", "due_date", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["entry"]
    inlines = [RepairEvidenceInline]


@admin.register(OpenDataRelease)
class OpenDataReleaseAdmin(admin.ModelAdmin):
    """What the open-data files held and when (issue 6 §5); built only by the task, never by hand."""

    list_display = ["as_of", "built_at", "entry_count", "csv_size", "json_size", "xlsx_size", "build_seconds"]
    date_hierarchy = "built_at"
    readonly_fields = [field.name for field in OpenDataRelease._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
