"""Template context shared by every page: the portal's name and the user's role flags."""

from django.utils.translation import gettext_lazy as _


def portal(request):
    user = getattr(request, "user", None)
    return {
        "portal_name": _("西青区诚信建设平台"),
        "is_office": bool(user and user.is_authenticated and user.is_office),
        "is_reporter": bool(user and user.is_authenticated and user.is_reporter),
    }
