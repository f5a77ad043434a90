"""Services of the campaigns app."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import models, transaction

from agencies.models import Agency, AgencyAlias
from campaigns.models import Campaign, CampaignLead, CampaignParticipant
from campaigns.plan import Plan, PlanItem, parse_plan

PLAN_PATH = Path(__file__).resolve().parent / "data" / "plan_2018_4.txt"


@dataclass(frozen=True)
class LoadResult:
    agencies_created: int = 0
    agencies_updated: int = 0
    campaigns_created: int = 0
    campaigns_updated: int = 0

    @property
    def changed(self) -> bool:
        return any((self.agencies_created, self.agencies_updated, self.campaigns_created, self.campaigns_updated))

    def __str__(self) -> str:
        return (
            f"agencies: {self.agencies_created} created, {self.agencies_updated} updated; "
            f"campaigns: {self.campaigns_created} created, {self.campaigns_updated} updated"
        )


@transaction.atomic
def load_plan(text: str | None = None) -> LoadResult:
    """Load the action plan's agencies and items into the database, idempotently.

    Agencies are the units of section 二 and of the lead/participant clauses of sections 三–六,
    with their kind and order of first appearance; an alias (区审批局) points at its canonical
    agency (区行政审批局). Items are the 20 campaigns of section 三 and the action items of
    sections 四–七, each with its lead units and participating units in the plan's order.

    Rows whose values already match are left alone, so a second run writes nothing (and adds no
    history). Agencies, aliases and campaigns no longer in the plan are kept, not deleted.
    An alias or a changed lead/participant list of an existing agency or campaign counts as
    an update of that agency or campaign.
    """
    if text is None:
        text = PLAN_PATH.read_text(encoding="utf-8")
    plan = parse_plan(text)

    agencies: dict[str, Agency] = {}
    agencies_created = agencies_updated = 0
    for entry in plan.agencies:
        agency, status = _upsert(Agency, {"name": entry.name}, {"kind": entry.kind, "order": entry.order})
        agencies[entry.name] = agency
        aliases_changed = _sync_aliases(plan, agency)
        agencies_created += status == "created"
        agencies_updated += status == "updated" or (status is None and aliases_changed)

    campaigns_created = campaigns_updated = 0
    for item in plan.items:
        campaign, status = _upsert(Campaign, {"number": item.number}, _campaign_values(item))
        links_changed = _sync_links(campaign, CampaignLead, [agencies[name] for name in item.leads])
        links_changed |= _sync_links(campaign, CampaignParticipant, [agencies[name] for name in item.participants])
        campaigns_created += status == "created"
        campaigns_updated += status == "updated" or (status is None and links_changed)

    return LoadResult(agencies_created, agencies_updated, campaigns_created, campaigns_updated)


def _campaign_values(item: PlanItem) -> dict[str, object]:
    return {
        "code": item.code,
        "section": item.section,
        "kind": item.kind,
        "title": item.title,
        "text": item.text,
        "participants_note": item.participants_note,
    }


def _upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, str | None]:
    """Like ``update_or_create`` but saves only changed fields, and only if any changed.

    Returns the object and "created", "updated" or ``None`` (unchanged).
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if not changed:
        return obj, None
    for field in changed:
        setattr(obj, field, values[field])
    obj.save(update_fields=changed)
    return obj, "updated"


def _sync_aliases(plan: Plan, agency: Agency) -> bool:
    """Make the plan's aliases of ``agency`` point at it (section 三.4 writes 区审批局)."""
    changed = False
    for alias, canonical in plan.aliases.items():
        if canonical == agency.name:
            _, status = _upsert(AgencyAlias, {"name": alias}, {"agency": agency})
            changed |= status is not None
    return changed


def _sync_links(campaign: Campaign, model: type[CampaignLead | CampaignParticipant], agencies: list[Agency]) -> bool:
    """Make the campaign's lead (or participant) links equal ``agencies``, positions from 1."""
    wanted = {agency.pk: position for position, agency in enumerate(agencies, start=1)}
    changed = False
    for link in model.objects.filter(campaign=campaign):
        position = wanted.pop(link.agency_id, None)
        if position is None:
            link.delete()
            changed = True
        elif link.position != position:
            link.position = position
            link.save(update_fields=["position"])
            changed = True
    for agency_id, position in wanted.items():
        model.objects.create(campaign=campaign, agency_id=agency_id, position=position)
        changed = True
    return changed
