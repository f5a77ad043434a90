"""The monthly supervision summary (督查汇总) to the Civilization Office (DESIGN §4, section 五.4).

On ``SUPERVISION_SUMMARY_DAY`` (default: the day after reports fall due) the office reviewers get,
for the month just due: submission and on-time rates, late and overdue agencies by campaign, open
and overdue rectification orders, list changes and repair decisions, and the agency ranking, as
an HTML email with an Excel workbook.
It also counts the month's list changes (section 五.1) and repair decisions (五.3). The summary is kept
(``SupervisionSummary``) for download in the portal. Report figures come from the dashboard's
selectors, so the summary and the dashboard never disagree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from blacklist.models import ListEntry, RepairApplication
from campaigns.models import Campaign
from reports.models import State
from xiqing_credit.excel import add_sheet, workbook_bytes

from .excel import dashboard_workbook
from .models import Agency, SupervisionOrder, SupervisionSummary
from .notifications import Outgoing, absolute_link, messages_send, office_reviewers
from .selectors import Dashboard, OpenOrder, add_months, dashboard, last_day


@dataclass
class CampaignIssues:
    """The lead agencies of one campaign that reported late, or not at all, this month."""

    campaign: Campaign
    late: list[Agency]
    overdue: list[Agency]


@dataclass
class ListChanges:
    """How one list (red or black) changed in the month (section 五.1)."""

    label: str
    published: int = 0
    removed: int = 0
    expired: int = 0
    repaired: int = 0


@dataclass
class SummaryContent:
    month: datetime.date
    today: datetime.date
    data: Dashboard
    by_campaign: list[CampaignIssues]
    rectifications: list[OpenOrder]
    overdue_rectifications: list[OpenOrder]
    list_changes: list[ListChanges]
    repair_decisions: list[RepairApplication]

    @property
    def repairs_approved(self) -> int:
        return sum(1 for a in self.repair_decisions if a.status == RepairApplication.Status.APPROVED)

    @property
    def repairs_rejected(self) -> int:
        return sum(1 for a in self.repair_decisions if a.status == RepairApplication.Status.REJECTED)

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
    return SummaryContent(
        month,
        today,
        data,
        by_campaign,
        rectifications,
        overdue_rectifications,
        list_changes=list_changes_in(month),
        repair_decisions=repair_decisions_in(month),
    )


def list_changes_in(month: datetime.date) -> list[ListChanges]:
    """Entries published, removed, expired and repaired in ``month`` (Asia/Shanghai days), per list."""
    days = (month, last_day(month))
    rows = {
        row["list"]: row
        for row in ListEntry.objects.values("list").annotate(
            published=Count("pk", filter=Q(published_at__date__range=days)),
            removed=Count("pk", filter=Q(removed_at__date__range=days)),
            expired=Count("pk", filter=Q(expired_at__date__range=days)),
            repaired=Count("pk", filter=Q(repaired_at__date__range=days)),
        )
    }
    result = []
    for value, label in ListEntry.List.choices:
        row = rows.get(value, {})
        counts = {key: row.get(key, 0) for key in ("published", "removed", "expired", "repaired")}
        result.append(ListChanges(str(label), **counts))
    return result


def repair_decisions_in(month: datetime.date) -> list[RepairApplication]:
    """Credit repair applications approved or rejected in ``month`` (section 五.3)."""
    return list(
        RepairApplication.objects.filter(decided_at__date__range=(month, last_day(month)))
        .select_related("entry__subject", "entry__deciding_agency")
        .order_by("decided_at", "pk")
    )


SUMMARY_SHEETS = ["汇总概况", "迟报与逾期单位", "限期整改", "名单变动", "信用修复决定"]


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
    add_sheet(
        workbook,
        "名单变动",
        ["名单", "新发布", "移出", "公示期满", "信用修复"],
        ([c.label, c.published, c.removed, c.expired, c.repaired] for c in content.list_changes),
    )
    add_sheet(
        workbook,
        "信用修复决定",
        ["申请编号", "信用主体", "名单", "认定部门", "申请人", "决定", "决定时间", "决定理由"],
        (
            [
                application.pk,
                application.entry.subject.name,
                application.entry.get_list_display(),
                application.entry.deciding_agency.name,
                application.applicant_name,
                application.get_status_display(),
                timezone.localtime(application.decided_at).replace(tzinfo=None),
                application.decision_reason,
            ]
            for application in content.repair_decisions
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
