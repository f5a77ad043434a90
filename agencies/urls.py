"""Pages of the agencies app."""

from django.urls import path

from . import views

app_name = "agencies"
urlpatterns: list = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("notifications/emails/", views.email_delivery_list, name="email_deliveries"),
    path("notifications/emails/<int:pk>/retry/", views.email_delivery_retry, name="email_delivery_retry"),
]
