"""Who may see and change monthly reports: THE one place, used by pages, API, exports and services.

Section 七.3 and the issue's rules:
- a reporter sees its own agency's reports and changes them only while draft or returned, in a
  month that is not locked (or was reopened for its agency);
- a participating agency (参与单位) sees the reports of the campaigns it takes part in and adds its
  contribution (协办情况), nothing more;
- the office (区文明办, and administrators) sees every report, reviews submitted ones and edits none;
- anonymous users see none.

This module must not import ``reports.models`` at import time (the models import the queryset
below), so model classes are reached through the instances or imported inside functions.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from campaigns.models import CampaignLead, CampaignParticipant

if TYPE_CHECKING:
    from campaigns.models import Campaign

    from .models import Attachment, Report


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReportQuerySet:
        """The reports ``user`` may see; an empty queryset for anyone without a role in them."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_office:
            return self.all()
        if not user.is_reporter or user.agency_id is None:
            return self.none()
        joined = CampaignParticipant.objects.filter(agency_id=user.agency_id).values("campaign_id")
        return self.filter(Q(agency_id=user.agency_id) | Q(campaign_id__in=joined))


def _is_agency_reporter(user) -> bool:
    return bool(user is not None and user.is_active and user.is_reporter and user.agency_id)


def month_open_for(agency_id: int, month: datetime.date) -> bool:
    """True unless the office locked ``month`` and has not reopened it for this agency."""
    from .models import MonthLock

    return not MonthLock.objects.filter(month=month).exclude(reopenings__agency_id=agency_id).exists()


def leads_campaign(user, campaign: Campaign) -> bool:
    return (
        _is_agency_reporter(user) and CampaignLead.objects.filter(campaign=campaign, agency_id=user.agency_id).exists()
    )


def can_open_report(user) -> bool:
    """Only agency reporters open reports; which campaign and month is checked by the service."""
    return _is_agency_reporter(user)


def can_edit_report(user, report: Report, *, month_open: bool | None = None) -> bool:
    """The lead agency's reporters change, submit and attach files to a draft or returned report of an open month.

    ``month_open`` may be passed by list pages that checked the month once for many reports.
    """
    if not _is_agency_reporter(user) or user.agency_id != report.agency_id or not report.is_editable_status:
        return False
    if month_open is None:
        month_open = month_open_for(report.agency_id, report.month)
    return month_open


def can_review_report(user, report: Report) -> bool:
    """The office accepts or returns a report that is waiting for review."""
    return bool(user is not None and user.is_office and report.status == report.Status.SUBMITTED)


def is_participant(user, report: Report, participant_agency_ids: set[int] | None = None) -> bool:
    """True when the user's agency is a participating unit of the report's campaign."""
    if not _is_agency_reporter(user):
        return False
    if participant_agency_ids is None:
        return CampaignParticipant.objects.filter(campaign_id=report.campaign_id, agency_id=user.agency_id).exists()
    return user.agency_id in participant_agency_ids


def can_contribute(
    user, report: Report, *, participant_agency_ids: set[int] | None = None, month_open: bool | None = None
) -> bool:
    """A participating agency adds its 协办情况 while the lead can still change the report."""
    if not is_participant(user, report, participant_agency_ids) or not report.is_editable_status:
        return False
    if month_open is None:
        month_open = month_open_for(report.agency_id, report.month)
    return month_open


def can_view_attachment(user, attachment: Attachment) -> bool:
    """An attachment is seen by exactly those who see its report."""
    from .models import Report

    return Report.objects.visible_to(user).filter(pk=attachment.report_id).exists()


def can_manage_indicators(user) -> bool:
    return bool(user is not None and user.is_office)


def can_lock_months(user) -> bool:
    return bool(user is not None and user.is_office)


def can_export_reports(user) -> bool:
    """Anyone who sees reports may export them; the export holds only the reports they see."""
    return bool(user is not None and user.is_authenticated and (user.is_office or _is_agency_reporter(user)))
