"""Excel export of monthly reports, through the shared safe writer (no user text becomes a formula)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from xiqing_credit.excel import add_sheet, new_workbook

from .models import Report


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def reports_workbook(reports: Iterable[Report], *, today: datetime.date):
    """Three sheets: the reports, their indicator values, and the participating agencies' contributions.

    ``reports`` should come from ``selectors.report_full_queryset()`` so the workbook costs a fixed
    number of queries.
    """
    report_rows, indicator_rows, contribution_rows = [], [], []
    for report in reports:
        key = [f"{report.month:%Y-%m}", report.campaign.number, report.campaign.title, report.agency.name]
        report_rows.append(
            [
                report.pk,
                *key,
                report.get_status_display(),
                str(report.state(today).label),
                report.due_date,
                _local(report.submitted_at),
                _("是") if report.is_late else _("否"),
                report.work_done,
                report.cases_handled,
                report.entries_listed,
                report.publicity_events,
                report.money_recovered,
                report.problems,
                report.next_plan,
                len(report.attachments.all()),
                report.review_comment,
                report.reviewed_by.username if report.reviewed_by else "",
                _local(report.reviewed_at),
            ]
        )
        for value in report.indicator_values.all():
            indicator_rows.append([report.pk, *key, value.indicator.name, value.indicator.unit, value.value])
        for contribution in report.contributions.all():
            contribution_rows.append(
                [report.pk, *key, contribution.agency.name, contribution.text, _local(contribution.updated_at)]
            )
    key_header = [_("报告编号"), _("月份"), _("专项治理编号"), _("专项治理"), _("牵头单位")]
    workbook = new_workbook()
    add_sheet(
        workbook,
        _("月度报告"),
        [
            *key_header,
            _("状态"),
            _("当前情况"),
            _("截止日期"),
            _("首次提交时间"),
            _("逾期提交"),
            _("工作进展"),
            _("办理案件数"),
            _("列入名单数"),
            _("宣传活动次数"),
            _("追回金额（万元）"),
            _("存在问题"),
            _("下步计划"),
            _("附件数"),
            _("审核意见"),
            _("审核人"),
            _("审核时间"),
        ],
        report_rows,
    )
    add_sheet(workbook, _("考核指标"), [*key_header, _("指标"), _("计量单位"), _("数值")], indicator_rows)
    add_sheet(workbook, _("协办情况"), [*key_header, _("参与单位"), _("协办情况"), _("更新时间")], contribution_rows)
    return workbook
