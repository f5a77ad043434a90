"""Pages of the agencies app: the office's dashboard and supervision orders (督查督办)."""

from django.urls import path

from . import views

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
]
