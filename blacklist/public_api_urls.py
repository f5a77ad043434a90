"""Anonymous, throttled, masked API of the public lists, mounted under /api/v1/public/."""

urlpatterns: list = []
