"""seed_demo's supervision orders: every kind and every state, once."""

import pytest
from django.core.management import call_command

from agencies.models import SupervisionOrder

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_orders_of_every_kind_and_state(settings, capsys):
    """The demo has 催办, 约谈, 限期整改, 通报批评, 表扬 and escalation, open, answered, returned and closed."""
    settings.DEBUG = True
    call_command("seed_demo")
    assert set(SupervisionOrder.objects.values_list("kind", flat=True)) == set(SupervisionOrder.Kind.values)
    assert set(SupervisionOrder.objects.values_list("status", flat=True)) == set(SupervisionOrder.Status.values)
    colours = {order.deadline_colour() for order in SupervisionOrder.objects.all()}
    assert {"blue", "yellow", "red"} <= colours
    escalation = SupervisionOrder.objects.get(kind="escalation")
    assert escalation.parent.kind == "rectification"
    assert "demo supervision orders: 12" in capsys.readouterr().out
    call_command("seed_demo")
    assert SupervisionOrder.objects.count() == 12
