"""Pages of the blacklist app."""

from django.urls import path  # noqa: F401

app_name = "blacklist"
urlpatterns: list = []
