"""Pages that belong to no single app: the public home page."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render

from campaigns.models import Campaign


@login_not_required
def home(request):
    """Public home page: what the plan is and where the public and staff go next."""
    campaign_count = Campaign.objects.filter(kind=Campaign.Kind.CAMPAIGN).count()
    return render(request, "home.html", {"campaign_count": campaign_count})


@login_not_required
def healthz(request):
    """Liveness probe for a load balancer, and the trivial baseline of the page benchmarks (issue 6)."""
    return HttpResponse("ok", content_type="text/plain")
