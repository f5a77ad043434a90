"""Public pages of the red/black list (section 五.1): search, detail, change log, open data."""

from django.urls import path  # noqa: F401

app_name = "credit"
urlpatterns: list = []
