"""REST API routes of the agencies app, mounted under /api/v1/."""

from rest_framework.routers import DefaultRouter

from .api import AgencyViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("agencies", AgencyViewSet, basename="agency")

urlpatterns = router.urls
