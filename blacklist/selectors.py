"""Reads of the blacklist app: publicity rules, entries and repair applications."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from .dates import add_months
from .models import ListEntry, PublicityPeriod, RepairApplication


@dataclass(frozen=True)
class PublicityRule:
    """The publicity period of one list and severity (DESIGN §2), in months from the decision date."""

    list: str
    severity: str
    is_published: bool
    min_months: int
    max_months: int

    @property
    def label(self) -> str:
        if self.list == ListEntry.List.RED:
            return str(ListEntry.List.RED.label)
        return f"{ListEntry.Severity(self.severity).label}失信"

    def earliest_end(self, decision_date: datetime.date) -> datetime.date:
        return add_months(decision_date, self.min_months)

    def latest_end(self, decision_date: datetime.date) -> datetime.date:
        return add_months(decision_date, self.max_months)

    def describe(self) -> str:
        if not self.is_published:
            return f"{self.label}信息不予公示"
        return f"{self.label}：公示{self.min_months}至{self.max_months}个月（自决定日期起算）"


def publicity_rules() -> dict[tuple[str, str], PublicityRule]:
    """Every (list, severity) rule: the administrator's rows, the settings' defaults where missing."""
    rules = {
        key: PublicityRule(key[0], key[1], *values) for key, values in settings.BLACKLIST_PUBLICITY_DEFAULTS.items()
    }
    for row in PublicityPeriod.objects.all():
        rules[(row.list, row.severity)] = PublicityRule(
            row.list, row.severity, row.is_published, row.min_months, row.max_months
        )
    return rules


def publicity_rule(list_: str, severity: str) -> PublicityRule:
    return publicity_rules()[(list_, severity if list_ == ListEntry.List.BLACK else "")]


def entry_history(entry: ListEntry) -> list[dict]:
    """The entry's history, newest first: who, when, what changed from what to what (可查可核可溯)."""
    return _history(entry.history.select_related("history_user").order_by("history_date", "history_id"), ListEntry)


def application_history(application: RepairApplication) -> list[dict]:
    records = application.history.select_related("history_user").order_by("history_date", "history_id")
    return _history(records, RepairApplication)


_HIDDEN_HISTORY_FIELDS = {"updated_at"}


def _history(records, model) -> list[dict]:
    records = list(records)
    rows = []
    for previous, record in zip([None, *records[:-1]], records, strict=True):
        changes = []
        if previous is not None:
            for change in record.diff_against(previous).changes:
                if change.field in _HIDDEN_HISTORY_FIELDS:
                    continue
                field = model._meta.get_field(change.field)
                changes.append(
                    {
                        "field": str(field.verbose_name),
                        "old": _display(field, change.old),
                        "new": _display(field, change.new),
                    }
                )
        rows.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "type": {"+": "创建", "~": "修改", "-": "删除"}[record.history_type],
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
    rows.reverse()
    return rows


def _display(field, value):
    if value in (None, ""):
        return "—"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        try:
            return str(field.related_model._default_manager.get(pk=value))
        except field.related_model.DoesNotExist:
            return str(value)
    return str(value)


def entries_for_export(user, params) -> QuerySet[ListEntry]:
    """The entries ``user`` may see, filtered as the list page filters them (``params``: its GET
    query); the one query of both export paths, read as plain values by ``excel.export_rows``
    (which joins what it prints, so no ``with_related`` here: section 五.1, issue 9 §3)."""
    from .filters import ListEntryFilterSet
    from .permissions import entries_visible_to

    return ListEntryFilterSet(params, queryset=entries_visible_to(user)).qs
