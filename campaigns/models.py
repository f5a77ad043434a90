"""Campaigns (专项治理) and the other action items of the plan, with their lead units.

Section 三 lists 20 special-governance campaigns, each with lead (牵头单位) and participating
(参与单位) agencies; sections 四–七 add action items with lead units that are tracked the same way.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import Agency


class CampaignQuerySet(models.QuerySet):
    def reportable(self):
        """Items with a lead unit: each lead reports on them monthly (section 七.3)."""
        return self.filter(leads__isnull=False).distinct()

    def with_agencies(self):
        return self.prefetch_related(
            models.Prefetch("leads", queryset=CampaignLead.objects.select_related("agency")),
            models.Prefetch("participants", queryset=CampaignParticipant.objects.select_related("agency")),
        )


class Campaign(models.Model):
    """One campaign of section 三 (numbers 1–20) or action item of sections 四–七 (21 on).

    ``code`` is the plan's own reference (``三.8`` for the unpaid-wages campaign, ``五.1`` for the
    red/black list); ``number`` is the stable integer used in the API and in Excel files.
    """

    class Kind(models.TextChoices):
        CAMPAIGN = "campaign", _("专项治理")
        ACTION = "action", _("其他工作任务")

    number = models.PositiveSmallIntegerField(_("编号"), unique=True)
    code = models.CharField(_("方案条目"), max_length=10, unique=True)
    section = models.CharField(_("方案章节"), max_length=40)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.CAMPAIGN)
    title = models.CharField(_("名称"), max_length=200)
    text = models.TextField(_("方案原文"))
    participants_note = models.CharField(
        _("参与单位说明"), max_length=200, blank=True, help_text=_("如“各有关部门按职责分工分别负责”")
    )
    lead_agencies = models.ManyToManyField(
        Agency, through="CampaignLead", related_name="led_campaigns", verbose_name=_("牵头单位")
    )
    participating_agencies = models.ManyToManyField(
        Agency, through="CampaignParticipant", related_name="joined_campaigns", verbose_name=_("参与单位")
    )

    history = HistoricalRecords()
    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项治理")
        verbose_name_plural = _("专项治理")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def lead_names(self) -> list[str]:
        """Lead agencies in the plan's order (uses the prefetch of ``with_agencies``)."""
        return [link.agency.name for link in self.leads.all()]

    def participant_names(self) -> list[str]:
        return [link.agency.name for link in self.participants.all()]


class CampaignLead(models.Model):
    """A lead unit (牵头单位) of a campaign, at its position in the plan's list."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="leads")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="lead_links")
    position = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("牵头单位")
        verbose_name_plural = _("牵头单位")
        ordering = ["campaign", "position"]
        constraints = [models.UniqueConstraint(fields=["campaign", "agency"], name="campaignlead_unique")]

    def __str__(self) -> str:
        return f"{self.campaign.number} {self.agency}"


class CampaignParticipant(models.Model):
    """A participating unit (参与单位) of a campaign, at its position in the plan's list."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="participant_links")
    position = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("参与单位")
        verbose_name_plural = _("参与单位")
        ordering = ["campaign", "position"]
        constraints = [models.UniqueConstraint(fields=["campaign", "agency"], name="campaignparticipant_unique")]

    def __str__(self) -> str:
        return f"{self.campaign.number} {self.agency}"
