"""Who may see and change list entries and repair applications: the one place that says so.

Section 五.1: agencies propose entries for their own domain; the Civilization Office publishes
and removes them. Section 五.3: the office or the deciding agency decides on credit repair.
Pages, API and exports all ask these functions; none filters by hand.
"""

from __future__ import annotations

from agencies.models import Agency

from .models import ListEntry, ListExport, ListImport, RepairApplication


def entries_visible_to(user):
    """The office sees every entry; an agency the entries it proposed or decided."""
    return ListEntry.objects.visible_to(user)


def repair_applications_visible_to(user):
    """The office sees every application; an agency those on entries it decided."""
    return RepairApplication.objects.visible_to(user)


def imports_visible_to(user):
    """The office sees every Excel import; an agency its own."""
    if not user.is_authenticated:
        return ListImport.objects.none()
    if user.is_office:
        return ListImport.objects.all()
    return ListImport.objects.filter(agency_id=user.agency_id) if user.agency_id else ListImport.objects.none()


def exports_visible_to(user):
    """A background export's progress and file belong to the account that asked for it alone:
    the file holds what that account may see, which may be more than a colleague may."""
    if not user.is_authenticated:
        return ListExport.objects.none()
    return ListExport.objects.filter(created_by_id=user.pk)


def can_propose(user, deciding_agency: Agency | None = None) -> bool:
    """The office proposes for any agency; a reporter only with its own agency as the deciding one."""
    if not user.is_authenticated:
        return False
    if user.is_office:
        return True
    if not user.is_reporter or user.agency_id is None:
        return False
    return deciding_agency is None or deciding_agency.pk == user.agency_id


def can_publish(user) -> bool:
    """Publishing is the office's own act, separate from proposing (section 五.1)."""
    return user.is_authenticated and user.is_office


def can_remove(user) -> bool:
    return user.is_authenticated and user.is_office


def can_reveal_id(user, entry: ListEntry) -> bool:
    """Whoever may see the entry may ask to see the full ID, with a reason that is recorded."""
    return entries_visible_to(user).filter(pk=entry.pk).exists()


def can_decide_repair(user, application: RepairApplication) -> bool:
    """The office, or staff of the agency that decided the entry (section 五.3)."""
    if not user.is_authenticated:
        return False
    if user.is_office:
        return True
    return user.is_reporter and user.agency_id is not None and application.entry.deciding_agency_id == user.agency_id


# --- Issue 6: batch screening and the public lists ------------------------------------------------


def can_screen(user) -> bool:
    """Agency staff (any role with an agency) screen lists of names against the red/black lists:
    the joint-punishment check is every agency's duty (section 五.2)."""
    return bool(user.is_authenticated and user.agency_id is not None)


def public_entries(today):
    """What anyone, without logging in, may see: entries published and inside their publicity
    period (section 五.1). Pages, the public API, the change log and open data all start here."""
    return ListEntry.objects.public(today)
