"""REST API routes of the campaigns app, mounted under /api/v1/."""

from rest_framework.routers import DefaultRouter

from .api import CampaignViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("campaigns", CampaignViewSet, basename="campaign")

urlpatterns = router.urls
