"""Staff pages of batch screening, mounted at /list/screening/."""

from django.urls import path

from . import screening_views

app_name = "screening"
urlpatterns = [
    path("", screening_views.screening, name="screen"),
    path("template.xlsx", screening_views.screening_template, name="template"),
]
