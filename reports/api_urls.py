"""REST API routes of the reports app, mounted under /api/v1/."""

from rest_framework.routers import DefaultRouter

from .api import ReportViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("reports", ReportViewSet, basename="report")

urlpatterns = router.urls
