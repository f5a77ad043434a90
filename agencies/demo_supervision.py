"""Demo supervision orders for ``seed_demo``: every kind (催办, 约谈, 限期整改, 通报批评, 表扬, escalation)
and every state (open, answered, returned, closed), with deadlines that show each colour.

Runs after ``reports.demo``; creates the few reports it names when they are absent. Orders go
through the services, so their history reads as if the office and the agencies had done the work.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns.models import Campaign
from reports.models import Report, due_date_for

from . import services
from .demo import _account, reporter_username
from .models import Agency, SupervisionOrder, User
from .selectors import default_month


def _report(number: int, agency: Agency, month: datetime.date, status: str, submitted_at=None) -> Report:
    report, _ = Report.objects.get_or_create(
        campaign=Campaign.objects.get(number=number),
        agency=agency,
        month=month,
        defaults={
            "due_date": due_date_for(month),
            "status": status,
            "submitted_at": submitted_at,
            "last_submitted_at": submitted_at,
            "work_done": "演示数据：本月工作进展。",
        },
    )
    return report


def _reporter(agency: Agency) -> User:
    user = agency.users.filter(role=User.Role.REPORTER).first()
    if user is None:
        user, _ = _account(reporter_username(agency), agency, User.Role.REPORTER)
    return user


def seed(stdout) -> None:
    if SupervisionOrder.objects.exists():
        stdout.write("demo supervision orders: already present")
        return
    office = User.objects.filter(role=User.Role.OFFICE).order_by("pk").first()
    if office is None:
        stdout.write("demo supervision orders: no office reviewer, skipped")
        return
    today = timezone.localdate()
    month = default_month(today)
    days = datetime.timedelta

    def agency(name: str) -> Agency:
        return Agency.objects.get(name=name)

    def issue(kind: str, name: str, title: str, content: str, issued: int, deadline: int | None = None, **extra):
        """``issued`` and ``deadline`` are days relative to today."""
        return services.supervision_order_issue(
            actor=office,
            kind=kind,
            agency=agency(name),
            title=title,
            content=content,
            today=today - days(issued),
            deadline=today + days(deadline) if deadline is not None else None,
            **extra,
        )

    orders = []
    # 催办: an open one due soon (blue), one closed because the report came in.
    try:
        orders.append(
            services.supervision_order_remind(
                actor=office,
                campaign=Campaign.objects.get(number=2),
                agency=agency("区网信办"),
                month=month,
                today=today,
            )[0]
        )
    except ValidationError:  # reports.demo already has that report submitted
        orders.append(issue("reminder", "区网信办", "请报送月度工作进展", "请尽快报送上月工作进展。", 0, 3))
    tax_report = _report(10, agency("区税务局"), month, Report.Status.SUBMITTED, timezone.now() - days(1))
    reminder = issue("reminder", "区税务局", "请报送月度工作进展", "请尽快报送上月工作进展。", 6, -3, report=tax_report)
    orders.append(services.supervision_order_close(actor=office, order=reminder, comment="已补报，催办办结。"))

    # 约谈: one scheduled, one held and closed with minutes.
    orders.append(
        issue(
            "interview",
            "公安西青分局",
            "电信网络诈骗专项治理推进缓慢",
            "连续两个月未报送工作进展，约谈单位主要负责同志。",
            2,
            None,
            campaign=Campaign.objects.get(number=1),
            interview_date=today + days(5),
            interviewee="分管副局长",
        )
    )
    held = issue(
        "interview",
        "区综合执法局",
        "违法建设专项治理工作推进不力",
        "工作推进不力，约谈主要负责同志。",
        30,
        None,
        campaign=Campaign.objects.get(number=5),
        interview_date=today - days(25),
        interviewee="局长",
    )
    services.supervision_order_record_interview(
        actor=office,
        order=held,
        interview_date=today - days(25),
        interviewee="局长",
        interview_minutes="指出问题三项；单位表态两周内完成整改并按月报送。",
    )
    orders.append(services.supervision_order_close(actor=office, order=held, comment="约谈已完成。"))

    # 限期整改 in every state and colour.
    hr = agency("区人力社保局")
    _report(8, hr, month, Report.Status.DRAFT)
    orders.append(
        issue(
            "rectification",
            "区人力社保局",
            "欠薪案件台账不全，限期整改",
            "补齐拖欠工资案件台账，并在月报中列明追回金额。",
            20,
            8,
            campaign=Campaign.objects.get(number=8),
        )
    )
    overdue = issue(
        "rectification",
        "区运管局",
        "交通运输领域失信治理逾期未报，限期整改",
        "连续三个月逾期未报，限期报送并说明原因。",
        25,
        -5,
        campaign=Campaign.objects.get(number=12),
    )
    orders.append(overdue)
    answered = issue(
        "rectification",
        "区市场监管局",
        "食品药品领域失信名单未更新",
        "限期更新失信名单并公示。",
        12,
        10,
        campaign=Campaign.objects.get(number=7),
    )
    orders.append(
        services.supervision_order_answer(
            actor=_reporter(answered.agency), order=answered, answer="已更新名单 23 条，并于西青文明网公示。"
        )
    )
    returned = issue(
        "rectification",
        "区卫生计生委",
        "医疗卫生领域月报内容空泛",
        "月报未列明查处案件数，限期补充。",
        15,
        6,
        campaign=Campaign.objects.get(number=6),
        report=_report(6, agency("区卫生计生委"), month, Report.Status.RETURNED, timezone.now() - days(3)),
    )
    services.supervision_order_answer(actor=_reporter(returned.agency), order=returned, answer="已补充。")
    orders.append(
        services.supervision_order_send_back(actor=office, order=returned, comment="请写明查处案件数和处理结果。")
    )
    closed = issue(
        "rectification",
        "区民政局",
        "社会组织失信治理进度滞后",
        "限期完成社会组织信用信息归集。",
        40,
        -10,
        campaign=Campaign.objects.get(number=15),
    )
    services.supervision_order_answer(
        actor=_reporter(closed.agency), order=closed, answer="已归集 312 家社会组织信用信息。"
    )
    orders.append(services.supervision_order_close(actor=office, order=closed, comment="整改到位。"))

    # 通报批评, 表扬 (notices), and escalation of the overdue rectification.
    orders.append(
        issue(
            "criticism", "区运管局", "连续三个月逾期未报送工作进展", "在全区通报批评连续三个月逾期未报送工作进展。", 10
        )
    )
    orders.append(issue("commendation", "区发展改革委", "信用信息归集成效明显", "组织媒体宣传展示其工作经验。", 8))
    orders.append(
        services.supervision_order_escalate(
            actor=office, order=overdue, content="限期整改逾期未完成，报区不作为不担当领导小组追究责任。", today=today
        )
    )
    kinds = sorted({order.get_kind_display() for order in orders})
    statuses = sorted({order.get_status_display() for order in orders})
    stdout.write(f"demo supervision orders: {len(orders)} ({'、'.join(kinds)}; {'、'.join(statuses)})")
