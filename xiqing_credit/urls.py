"""Top-level URLs. Each app owns its page URLs (``urls.py``) and API URLs (``api_urls.py``)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

admin.site.site_header = "西青区诚信建设平台 管理后台"
admin.site.site_title = "西青区诚信建设平台"

api_v1 = [
    path("", include("campaigns.api_urls")),
    path("", include("agencies.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("blacklist.api_urls")),
    path("public/", include("blacklist.public_api_urls")),
    path("", include("blacklist.screening_api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Login, logout and password change only: staff passwords are reset by an administrator.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("campaigns/", include("campaigns.urls")),
    path("reports/", include("reports.urls")),
    path("", include("agencies.urls")),
    path("list/screening/", include("blacklist.screening_urls")),
    path("", include("blacklist.urls")),
    path("credit/", include("blacklist.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("api/docs/", login_not_required(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
]

handler400 = "xiqing_credit.views.bad_request"
handler403 = "xiqing_credit.views.permission_denied"
handler404 = "xiqing_credit.views.page_not_found"
handler500 = "xiqing_credit.views.server_error"
