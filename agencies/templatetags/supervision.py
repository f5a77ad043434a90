"""Template helpers of the dashboard and supervision pages."""

from django import template
from django.utils import timezone

from agencies.models import DeadlineColour
from agencies.selectors import pending_orders_for

register = template.Library()

_COLOUR_BADGES = {
    DeadlineColour.BLUE: "text-bg-primary",
    DeadlineColour.YELLOW: "text-bg-warning",
    DeadlineColour.RED: "text-bg-danger",
}


@register.inclusion_tag("agencies/includes/pending_orders.html")
def pending_orders(user):
    """A reporter's orders still waiting for its agency's answer, coloured by deadline."""
    return {"items": pending_orders_for(user)}


@register.filter
def deadline_colour(order) -> str:
    """The order's deadline colour today (``blue``, ``yellow``, ``red`` or ``""``)."""
    return order.deadline_colour(timezone.localdate())


@register.filter
def colour_badge(colour: str) -> str:
    return _COLOUR_BADGES.get(colour, "")


@register.filter
def colour_label(colour: str) -> str:
    return DeadlineColour(colour).label if colour else ""


@register.filter
def percent(value) -> str:
    return f"{value:.1f}%"
