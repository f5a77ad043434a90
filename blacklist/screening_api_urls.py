"""Batch screening API for agency staff, mounted under /api/v1/."""

from django.urls import path

from .screening_api import ScreeningAPIView

urlpatterns = [path("screening/", ScreeningAPIView.as_view(), name="screening-api")]
