"""The monthly supervision summary (督查汇总) to the Civilization Office (DESIGN §4, section 五.4).

On ``SUPERVISION_SUMMARY_DAY`` (default: the day after reports fall due) the office reviewers get,
for the month just due: submission and on-time rates, late and overdue agencies by campaign, open
and overdue rectification orders, and the agency ranking, as an HTML email with an Excel workbook.
The summary is kept (``SupervisionSummary``) for download in the portal. The figures come from the
dashboard's selectors, so the summary and the dashboard never disagree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import Workbook

from campaigns.models import Campaign
from reports.models import State
from xiqing_credit.excel import add_sheet, workbook_bytes

from .excel import dashboard_workbook
from .models import Agency, SupervisionOrder, SupervisionSummary
from .notifications import Outgoing, absolute_link, messages_send, office_reviewers
from .selectors import Dashboard, OpenOrder, add_months, dashboard


@dataclass
class CampaignIssues:
    """The lead agencies of one campaign that reported late, or not at all, this month."""

    campaign: Campaign
    late: list[Agency]
    overdue: list[Agency]


@dataclass
class SummaryContent:
    month: datetime.date
    today: datetime.date
    data: Dashboard
    by_campaign: list[CampaignIssues]
    rectifications: list[OpenOrder]
    overdue_rectifications: list[OpenOrder]

    @property
    def subject(self) -> str:
        return f"{self.month.year}年{self.month.month}月诚信建设工作督查汇总"


@dataclass(frozen=True)
class SummaryResult:
    sent: int = 0
    month: datetime.date | None = None
    recipients: int = 0
    emails: int = 0
    reason: str = ""

    def __str__(self) -> str:
        month = f"month {self.month:%Y-%m}" if self.month else "no month"
        if not self.sent:
            return f"supervision summaries sent: 0 ({month}: {self.reason})"
        return (
            f"supervision summaries sent: 1 ({month}, office reviewers: {self.recipients}, "
            f"emails queued: {self.emails})"
        )


def summary_month(today: datetime.date) -> datetime.date:
    """The month a summary sent on ``today`` covers: the previous one, whose reports fell due."""
    return add_months(today.replace(day=1), -1)


def summary_content(*, month: datetime.date, today: datetime.date) -> SummaryContent:
    """Everything the summary of ``month`` says, as seen on ``today``."""
    data = dashboard(month=month, today=today)
    by_campaign = []
    for row in data.rows:
        cells = [cell for cell in row.cells if cell is not None]
        late = [cell.agency for cell in cells if cell.state == State.LATE]
        overdue = [cell.agency for cell in cells if cell.state == State.OVERDUE]
        if late or overdue:
            by_campaign.append(CampaignIssues(row.campaign, late, overdue))
    rectifications = [item for item in data.open_orders if item.order.kind == SupervisionOrder.Kind.RECTIFICATION]
    overdue_rectifications = [item for item in rectifications if item.order.deadline and item.order.deadline < today]
    return SummaryContent(month, today, data, by_campaign, rectifications, overdue_rectifications)


SUMMARY_SHEETS = ["汇总概况", "迟报与逾期单位", "限期整改"]


def summary_workbook(content: SummaryContent) -> Workbook:
    """The dashboard's workbook of the month (matrix, ranking, overdue, trend) and the summary's sheets."""
    workbook = dashboard_workbook(content.data)
    rate = content.data.current
    add_sheet(
        workbook,
        "汇总概况",
        ["项目", "数值"],
        [
            ["报告月份", f"{content.month:%Y-%m}"],
            ["截止日期", content.data.due_date],
            ["统计日期", content.today],
            ["应报", rate.owed],
            ["已报", rate.submitted],
            ["按时报送", rate.on_time],
            ["报送率(%)", rate.submission_rate],
            ["按时率(%)", rate.on_time_rate],
            ["通过率(%)", rate.acceptance_rate],
            ["未办结限期整改", len(content.rectifications)],
            ["其中超期", len(content.overdue_rectifications)],
        ],
    )
    add_sheet(
        workbook,
        "迟报与逾期单位",
        ["编号", "专项治理", "逾期提交单位", "逾期未报单位"],
        (
            [
                issue.campaign.number,
                issue.campaign.title,
                "、".join(a.name for a in issue.late),
                "、".join(a.name for a in issue.overdue),
            ]
            for issue in content.by_campaign
        ),
    )
    add_sheet(
        workbook,
        "限期整改",
        ["编号", "被督办单位", "标题", "下发日期", "办理期限", "状态", "是否超期"],
        (
            [
                item.order.pk,
                item.order.agency.name,
                item.order.title,
                item.order.issued_on,
                item.order.deadline,
                item.order.get_status_display(),
                "超期" if item in content.overdue_rectifications else "",
            ]
            for item in content.rectifications
        ),
    )
    # Excel opens the file on the summary's overview, after the dashboard's own sheets.
    workbook.active = len(workbook.worksheets) - len(SUMMARY_SHEETS)
    return workbook


def supervision_summary_send(*, today: datetime.date) -> SummaryResult:
    """Send the summary of the month just due, once, to every office reviewer.

    Nothing before ``SUPERVISION_SUMMARY_DAY``; from that day on, a run that finds the month's
    summary already kept sends nothing, so a missed day is caught up and a repeat is harmless.
    """
    month = summary_month(today)
    if today.day < settings.SUPERVISION_SUMMARY_DAY:
        return SummaryResult(month=month, reason=f"not before day {settings.SUPERVISION_SUMMARY_DAY}")
    if SupervisionSummary.objects.filter(month=month).exists():
        return SummaryResult(month=month, reason="already sent")
    content = summary_content(month=month, today=today)
    body = render_to_string("agencies/summary/body.html", {"content": content})
    text = render_to_string("agencies/summary/body.txt", {"content": content})
    reviewers = office_reviewers()
    with transaction.atomic():
        summary = SupervisionSummary(
            month=month, subject=content.subject, text=text, html=body, recipients=len(reviewers)
        )
        summary.full_clean(exclude=["workbook"], validate_unique=False)
        try:
            with transaction.atomic():
                summary.save()
        except IntegrityError:  # another worker kept this month's summary a moment ago
            return SummaryResult(month=month, reason="already sent")
        summary.workbook.save(f"{month:%Y-%m}.xlsx", ContentFile(workbook_bytes(summary_workbook(content))))
        link = reverse("agencies:summary_detail", args=[summary.pk])
        html_email = render_to_string(
            "agencies/summary/email.html",
            {"summary": summary, "body": body, "portal_url": absolute_link(link)},
        )
        sent = messages_send(
            messages=[
                Outgoing(
                    recipients=reviewers,
                    title=content.subject,
                    body=text,
                    link=link,
                    html_body=html_email,
                    attachment=summary.workbook.name,
                    attachment_name=summary.filename,
                )
            ]
        )
    return SummaryResult(sent=1, month=month, recipients=len(reviewers), emails=sent.emails)
