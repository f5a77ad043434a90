"""Public pages of the plan's campaigns (section 三) and action items (sections 四–七)."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render

from .models import Campaign


@login_not_required
def campaign_list(request):
    """Every campaign and action item with its lead and participating agencies."""
    campaigns = list(Campaign.objects.with_agencies())
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "campaigns": [c for c in campaigns if c.kind == Campaign.Kind.CAMPAIGN],
            "actions": [c for c in campaigns if c.kind == Campaign.Kind.ACTION],
        },
    )


@login_not_required
def campaign_detail(request, number: int):
    """One campaign with the plan's full text."""
    campaign = get_object_or_404(Campaign.objects.with_agencies(), number=number)
    return render(request, "campaigns/campaign_detail.html", {"campaign": campaign})
