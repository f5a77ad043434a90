"""Pages of the agencies app: the office's dashboard and supervision orders (督查督办)."""

from django.urls import path

from . import jobs_views, views

app_name = "agencies"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/", views.dashboard_export, name="dashboard_export"),
    path("dashboard/remind/", views.dashboard_remind, name="dashboard_remind"),
    path("supervision/", views.order_list, name="order_list"),
    path("supervision/new/", views.order_create, name="order_create"),
    path("supervision/export/", views.order_export, name="order_export"),
    path("supervision/<int:pk>/", views.order_detail, name="order_detail"),
    path("supervision/<int:pk>/answer/", views.order_answer, name="order_answer"),
    path("supervision/<int:pk>/close/", views.order_close, name="order_close"),
    path("supervision/<int:pk>/send-back/", views.order_send_back, name="order_send_back"),
    path("supervision/<int:pk>/interview/", views.order_interview, name="order_interview"),
    path("supervision/<int:pk>/escalate/", views.order_escalate, name="order_escalate"),
    path("dashboard/summaries/", jobs_views.summary_list, name="summary_list"),
    path("dashboard/summaries/<int:pk>/", jobs_views.summary_detail, name="summary_detail"),
    path("dashboard/summaries/<int:pk>/download/", jobs_views.summary_download, name="summary_download"),
    path("notifications/", jobs_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", jobs_views.notification_read, name="notification_read"),
    path("notifications/read-all/", jobs_views.notification_read_all, name="notification_read_all"),
    path("notifications/emails/", jobs_views.email_delivery_list, name="email_deliveries"),
    path("notifications/emails/<int:pk>/retry/", jobs_views.email_delivery_retry, name="email_delivery_retry"),
]
