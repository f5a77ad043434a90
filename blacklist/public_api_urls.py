"""Anonymous, throttled, masked API of the public lists, mounted under /api/v1/public/."""

from rest_framework.routers import DefaultRouter

from .public_api import PublicListEntryViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("list-entries", PublicListEntryViewSet, basename="public-list-entry")

urlpatterns = router.urls
