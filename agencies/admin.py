from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, AgencyAlias, SupervisionOrder, User


class AgencyAliasInline(admin.TabularInline):
    model = AgencyAlias
    extra = 0


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "aliases__name"]
    inlines = [AgencyAliasInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "agency", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "agency"]
    autocomplete_fields = ["agency"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("单位与角色"), {"fields": ("agency", "role")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("单位与角色"), {"fields": ("agency", "role")}),)


@admin.register(SupervisionOrder)
class SupervisionOrderAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "agency", "status", "issued_on", "deadline"]
    list_filter = ["kind", "status", "agency"]
    search_fields = ["title", "content", "agency__name"]
    date_hierarchy = "issued_on"
    raw_id_fields = ["report", "parent"]
    autocomplete_fields = ["agency"]
    list_select_related = ["agency"]


# --- Issue 7: notifications and email deliveries ----------------------------------------------
from .models import EmailDelivery, JobRun, Notification, SupervisionSummary  # noqa: E402


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "recipient__username"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "to"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["created_at", "updated_at", "sent_at", "attempts", "last_error"]
    date_hierarchy = "created_at"


@admin.register(SupervisionSummary)
class SupervisionSummaryAdmin(admin.ModelAdmin):
    list_display = ["subject", "month", "recipients", "created_at"]
    readonly_fields = ["month", "subject", "text", "html", "workbook", "recipients", "created_at"]
    date_hierarchy = "month"


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["job", "day", "created_at"]
    list_filter = ["job"]
    date_hierarchy = "day"
