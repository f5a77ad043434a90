"""REST API routes of the blacklist app, mounted under /api/v1/."""

from rest_framework.routers import DefaultRouter

from .api import ListEntryViewSet, RepairApplicationViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("list-entries", ListEntryViewSet, basename="list-entry")
router.register("repair-applications", RepairApplicationViewSet, basename="repair-application")

urlpatterns = router.urls
