"""REST API routes of the agencies app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import AgencyViewSet, DashboardAPIView, SupervisionOrderViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("agencies", AgencyViewSet, basename="agency")
router.register("supervision-orders", SupervisionOrderViewSet, basename="supervision-order")

urlpatterns = [
    path("dashboard/", DashboardAPIView.as_view(), name="api-dashboard"),
    *router.urls,
]
