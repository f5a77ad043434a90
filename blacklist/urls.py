"""Pages of the blacklist app: staff list management under /list/, public credit repair under /repair/."""

from django.urls import path

from . import views

app_name = "blacklist"
urlpatterns = [
    path("list/", views.entry_list, name="entry_list"),
    path("list/export.xlsx", views.entry_export, name="entry_export"),
    path("list/exports/new/", views.export_start, name="export_start"),
    path("list/exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("list/exports/<int:pk>/status/", views.export_status, name="export_status"),
    path("list/exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("list/new/", views.entry_create, name="entry_create"),
    path("list/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("list/<int:pk>/publish/", views.entry_publish, name="entry_publish"),
    path("list/<int:pk>/remove/", views.entry_remove, name="entry_remove"),
    path("list/<int:pk>/reveal/", views.entry_reveal, name="entry_reveal"),
    path("list/import/", views.import_upload, name="import_upload"),
    path("list/import/template.xlsx", views.import_template, name="import_template"),
    path("list/import/<int:pk>/", views.import_detail, name="import_detail"),
    path("list/import/<int:pk>/status/", views.import_status, name="import_status"),
    path("list/import/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("list/repairs/", views.repair_list, name="repair_list"),
    path("list/repairs/<int:pk>/", views.repair_detail, name="repair_detail"),
    path("list/repairs/<int:pk>/evidence/<int:evidence_pk>/", views.repair_evidence, name="repair_evidence"),
    path("repair/", views.repair_home, name="repair_home"),
    path("repair/apply/", views.repair_apply, name="repair_apply"),
    path("repair/status/", views.repair_status, name="repair_status"),
]
