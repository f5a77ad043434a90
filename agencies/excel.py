"""Excel exports of the dashboard (matrix, ranking, overdue list, trend) and of supervision orders.

Everything goes through ``xiqing_credit.excel``, which keeps formula-like text as text.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook

from xiqing_credit.excel import add_sheet, new_workbook

from .models import DeadlineColour, SupervisionOrder
from .selectors import Dashboard


def _local(value: datetime.datetime | None):
    """Excel has no time zones: write Asia/Shanghai wall-clock time."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def dashboard_workbook(data: Dashboard) -> Workbook:
    workbook = new_workbook()
    add_sheet(
        workbook,
        f"报送矩阵 {data.month:%Y-%m}",
        ["编号", "专项治理", *[agency.name for agency in data.agencies]],
        (
            [row.campaign.number, row.campaign.title, *[str(cell.state.label) if cell else "" for cell in row.cells]]
            for row in data.rows
        ),
    )
    add_sheet(
        workbook,
        "单位排名",
        ["名次", "单位", "应报", "已报", "按时报送", "已通过", "按时率(%)", "通过率(%)", "未办结限期整改", "得分"],
        (
            [
                entry.rank,
                entry.agency.name,
                entry.owed,
                entry.submitted,
                entry.on_time,
                entry.accepted,
                entry.on_time_rate,
                entry.acceptance_rate,
                entry.open_rectifications,
                entry.score,
            ]
            for entry in data.ranking
        ),
    )
    add_sheet(
        workbook,
        "逾期未报",
        ["编号", "专项治理", "牵头单位", "截止日期", "逾期天数", "已催办次数", "最近催办"],
        (
            [
                item.cell.campaign.number,
                item.cell.campaign.title,
                item.cell.agency.name,
                item.cell.due_date,
                item.days_overdue,
                item.reminders,
                item.last_reminded,
            ]
            for item in data.overdue
        ),
    )
    add_sheet(
        workbook,
        "月度趋势",
        ["月份", "应报", "已报", "按时报送", "已通过", "报送率(%)", "按时率(%)", "通过率(%)"],
        (
            [
                f"{rate.month:%Y-%m}",
                rate.owed,
                rate.submitted,
                rate.on_time,
                rate.accepted,
                rate.submission_rate,
                rate.on_time_rate,
                rate.acceptance_rate,
            ]
            for rate in data.trend
        ),
    )
    return workbook


ORDER_HEADER = [
    "编号",
    "督办类型",
    "状态",
    "期限提示",
    "被督办单位",
    "专项治理",
    "报告月份",
    "标题",
    "督办内容",
    "下发日期",
    "办理期限",
    "下发人",
    "约谈日期",
    "被约谈人",
    "约谈纪要",
    "单位答复",
    "答复时间",
    "超期答复",
    "审核意见",
    "办结时间",
]


def orders_workbook(orders: Iterable[SupervisionOrder], today: datetime.date) -> Workbook:
    workbook = new_workbook()
    add_sheet(workbook, "督办事项", ORDER_HEADER, (_order_row(order, today) for order in orders))
    return workbook


def _order_row(order: SupervisionOrder, today: datetime.date) -> list:
    colour = order.deadline_colour(today)
    return [
        order.pk,
        order.get_kind_display(),
        order.get_status_display(),
        str(DeadlineColour(colour).label) if colour else "",
        order.agency.name,
        str(order.campaign) if order.campaign_id else "",
        f"{order.report_month:%Y-%m}" if order.report_month else "",
        order.title,
        order.content,
        order.issued_on,
        order.deadline,
        order.issued_by.username,
        order.interview_date,
        order.interviewee,
        order.interview_minutes,
        order.answer,
        _local(order.answered_at),
        "是" if order.is_answer_late else "",
        order.office_comment,
        _local(order.closed_at),
    ]
