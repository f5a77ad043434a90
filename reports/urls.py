"""Pages of the reports app, mounted at /reports/."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.my_tasks, name="my_tasks"),
    path("past/", views.report_list, name="past"),
    path("new/", views.report_new, name="new"),
    path("review/", views.review_queue, name="review_queue"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/edit/", views.report_edit, name="edit"),
    path("<int:pk>/submit/", views.report_submit, name="submit"),
    path("<int:pk>/accept/", views.report_accept, name="accept"),
    path("<int:pk>/return/", views.report_return, name="return"),
    path("<int:pk>/history/", views.report_history, name="history"),
    path("<int:pk>/contribution/", views.report_contribute, name="contribute"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/new/", views.indicator_edit, name="indicator_new"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("months/", views.month_list, name="months"),
    path("months/<int:pk>/unlock/", views.month_unlock, name="month_unlock"),
    path("months/<int:pk>/reopen/", views.month_reopen, name="month_reopen"),
    path("reopenings/<int:pk>/revoke/", views.month_reopening_revoke, name="reopening_revoke"),
]
