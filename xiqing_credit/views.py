"""Pages that belong to no single app: the public home page."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from campaigns.models import Campaign


@login_not_required
def home(request):
    """Public home page: what the plan is and where the public and staff go next."""
    campaign_count = Campaign.objects.filter(kind=Campaign.Kind.CAMPAIGN).count()
    return render(request, "home.html", {"campaign_count": campaign_count})


def _error(request, status: int, template: str, detail: str):
    """API paths get JSON errors (as the OpenAPI schema documents); pages get a Chinese page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    return render(request, template, status=status)


@login_not_required
def bad_request(request, exception=None):
    return _error(request, 400, "400.html", "请求有误。")


@login_not_required
def permission_denied(request, exception=None):
    return _error(request, 403, "403.html", "您没有执行该操作的权限。")


@login_not_required
def page_not_found(request, exception=None):
    return _error(request, 404, "404.html", "未找到。")


@login_not_required
def server_error(request):
    return _error(request, 500, "500.html", "服务器内部错误，请稍后再试。")


@login_not_required
def healthz(request):
    """Liveness probe for a load balancer, and the trivial baseline of the page benchmarks (issue 6)."""
    return HttpResponse("ok", content_type="text/plain")
