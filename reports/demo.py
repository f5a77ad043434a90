"""Demo reports for ``seed_demo``: several months of reports in every state, filed through the services.

Runs after ``agencies.demo`` (which creates ``office`` and one ``reporterNN`` per lead unit) and is
idempotent: a (campaign, agency, month) that already has a report is left alone. Times are set
back to the simulated day, so lateness and the history read as if the months really happened.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agencies.models import Agency, User
from campaigns.models import Campaign, CampaignLead, CampaignParticipant

from . import services
from .models import Indicator, MonthLock, Report, due_date_for
from .selectors import default_task_month, previous_month

INDICATORS = {
    8: [
        {"name": "追讨欠薪金额", "unit": "万元", "kind": "decimal", "required": True},
        {"name": "涉及农民工人数", "unit": "人", "kind": "integer", "required": True},
        {"name": "列入拖欠工资黑名单企业数", "unit": "家", "kind": "integer", "required": False},
    ],
    1: [
        {"name": "打击电信诈骗立案数", "unit": "起", "kind": "integer", "required": True},
        {"name": "挽回群众损失", "unit": "万元", "kind": "decimal", "required": False},
    ],
    20: [
        {"name": "电子警察抓拍违法数", "unit": "起", "kind": "integer", "required": True},
        {"name": "纳入诚信记录人数", "unit": "人", "kind": "integer", "max_value": Decimal("100000"), "required": True},
    ],
}

WORK = [
    "召开专项治理推进会，部署本月重点任务；联合相关部门开展集中检查，对发现的问题建立台账、限期整改。",
    "开展“诚信兴商”宣传进社区活动，发放宣传材料；梳理失信线索并移交有关部门依法处理。",
    "会同参与单位开展联合执法检查，督促整改到位；完善信用信息归集，按时报送“信用中国（天津）”。",
]
PROBLEMS = ["部分企业配合度不高，信息归集不够及时。", "基层执法力量不足，线索核查周期较长。", "无"]
PLANS = ["继续加大检查力度，推动典型案例曝光；完善长效机制。", "开展“回头看”，巩固治理成果；加强部门协同。"]

# The outcome of each past (campaign, agency, month), chosen by a stable hash so reruns agree.
PAST_OUTCOMES = (
    ["accepted"] * 9
    + ["accepted_late"] * 2
    + ["resubmitted_accepted"] * 2
    + ["submitted", "late"]
    + ["returned"] * 2
    + ["draft", "not_started", "not_started"]
)
CURRENT_OUTCOMES = ["submitted", "submitted", "late", "draft", "draft", "returned", "accepted", "not_started"]

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed(stdout) -> None:
    office = User.objects.filter(username="office").first()
    if office is None:
        stdout.write("demo reports: skipped (no demo office account; run agencies.demo first)")
        return
    today = timezone.localdate()
    _seed_indicators(office)
    reporters = {u.agency_id: u for u in User.objects.filter(role=User.Role.REPORTER, username__startswith="reporter")}
    task_month = default_task_month(today)
    months = [task_month]
    for _ in range(4):
        months.insert(0, previous_month(months[0]))
    created = 0
    leads = CampaignLead.objects.select_related("campaign", "agency").exclude(agency__kind=Agency.Kind.OFFICE)
    for month in [*months, task_month.replace(day=28) + datetime.timedelta(days=4)]:
        month = month.replace(day=1)
        if MonthLock.objects.filter(month=month).exists():
            continue
        for lead in leads:
            reporter = reporters.get(lead.agency_id)
            if reporter is None:
                continue
            if Report.objects.filter(campaign=lead.campaign, agency=lead.agency, month=month).exists():
                continue
            outcome = _outcome(lead, month, today)
            if outcome == "not_started":
                continue
            _file(reporter, office, lead.campaign, month, outcome, today)
            created += 1
    _seed_lock(office, months[0], today)
    counts = {status: Report.objects.filter(status=status).count() for status in Report.Status.values}
    stdout.write(
        f"demo reports: {created} created; "
        + ", ".join(f"{status} {count}" for status, count in counts.items())
        + f"; months {months[0]:%Y-%m}..{months[-1]:%Y-%m}"
    )


def _outcome(lead: CampaignLead, month: datetime.date, today: datetime.date) -> str:
    key = lead.campaign.number * 7 + lead.agency.order * 13 + month.month * 5
    if month > default_task_month(today):  # this calendar month: a few early drafts
        return "draft" if key % 4 == 0 else "not_started"
    if today <= due_date_for(month):  # not due yet: nothing can be late or overdue
        return ["submitted", "draft", "not_started", "returned", "accepted"][key % 5]
    if month == default_task_month(today):
        return CURRENT_OUTCOMES[key % len(CURRENT_OUTCOMES)]
    return PAST_OUTCOMES[key % len(PAST_OUTCOMES)]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return _past(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 17))))


def _past(moment: datetime.datetime) -> datetime.datetime:
    """Never in the future: the demo may run on any day of the month."""
    return min(moment, timezone.now() - datetime.timedelta(minutes=30))


def _file(reporter, office, campaign: Campaign, month: datetime.date, outcome: str, today) -> None:
    due = due_date_for(month)
    seed_number = campaign.number + month.month
    opened = _at(month + datetime.timedelta(days=20), 9)
    report = services.report_open(actor=reporter, campaign=campaign, month=month, today=today)
    _backdate(report, opened)
    data = {
        "work_done": f"{month:%Y年%m月}，{WORK[seed_number % len(WORK)]}",
        "problems": PROBLEMS[seed_number % len(PROBLEMS)],
        "next_plan": PLANS[seed_number % len(PLANS)],
        "cases_handled": (seed_number * 3) % 40,
        "entries_listed": seed_number % 7,
        "publicity_events": 1 + seed_number % 4,
        "money_recovered": Decimal(seed_number * 37 % 500) / 4,
        "indicators": {
            i.pk: _indicator_value(i, seed_number) for i in Indicator.objects.filter(campaign=campaign, is_active=True)
        },
    }
    if outcome == "draft":
        data["next_plan"] = ""
    report = services.report_update(actor=reporter, report=report, data=data)
    _backdate(report, _past(opened + datetime.timedelta(days=2)))
    if campaign.number % 3 == 0:
        upload = SimpleUploadedFile(f"{month:%Y年%m月}工作台账.pdf", TINY_PDF, content_type="application/pdf")
        services.attachment_add(actor=reporter, report=report, upload=upload)
    _contribute(report, _past(opened + datetime.timedelta(days=3)))
    if outcome == "draft":
        return
    late = outcome in ("late", "accepted_late")
    first = _at(due + datetime.timedelta(days=3 if late else -2), 15 if late else 10)
    report = services.report_submit(actor=reporter, report=report, now=first)
    _backdate(report, first)
    if outcome in ("submitted", "late"):
        return
    reviewed = _past(first + datetime.timedelta(days=2))
    if outcome in ("returned", "resubmitted_accepted"):
        comment = "“存在问题”过于简略，请补充具体案例和整改措施；附上检查台账。"
        report = services.report_return(actor=office, report=report, comment=comment)
        _backdate(report, reviewed, reviewed_at=True)
        if outcome == "returned":
            return
        data = {"problems": report.problems + "已补充：个别企业拒不提供用工台账，已移交执法大队处理。"}
        report = services.report_update(actor=reporter, report=report, data=data)
        resubmitted = _past(reviewed + datetime.timedelta(days=1))
        report = services.report_submit(actor=reporter, report=report, now=resubmitted)
        _backdate(report, resubmitted)
        reviewed = _past(resubmitted + datetime.timedelta(days=1))
    report = services.report_accept(actor=office, report=report)
    _backdate(report, reviewed, reviewed_at=True)


def _indicator_value(indicator: Indicator, seed_number: int) -> Decimal:
    value = Decimal(seed_number * 11 % 90 + 3)
    return value if indicator.kind == Indicator.Kind.INTEGER else value / 2


def _contribute(report: Report, when: datetime.datetime) -> None:
    """Participants with a demo account add their part to every other report."""
    if report.month.month % 2:
        return
    participant_ids = CampaignParticipant.objects.filter(campaign=report.campaign).values("agency_id")
    reporters = User.objects.filter(
        agency_id__in=participant_ids, role=User.Role.REPORTER, username__startswith="reporter"
    ).select_related("agency")
    for reporter in reporters[:2]:
        checks, leads = report.month.month, report.campaign.number % 5 + 1
        text = f"{reporter.agency}配合开展联合检查 {checks} 次，移交线索 {leads} 条。"
        contribution = services.contribution_save(actor=reporter, report=report, text=text)
        contribution.history.filter(history_date__gt=when).update(history_date=when)


def _backdate(report: Report, when: datetime.datetime, *, reviewed_at: bool = False) -> None:
    """Move the record of what just happened back to the simulated moment (demo only)."""
    latest = report.history.order_by("-history_id").first()
    type(latest).objects.filter(pk=latest.pk).update(history_date=when)
    if reviewed_at:
        Report.objects.filter(pk=report.pk).update(reviewed_at=when)


def _seed_indicators(office) -> None:
    for number, definitions in INDICATORS.items():
        campaign = Campaign.objects.filter(number=number).first()
        if campaign is None:
            continue
        for position, definition in enumerate(definitions, start=1):
            if not Indicator.objects.filter(campaign=campaign, name=definition["name"]).exists():
                services.indicator_create(actor=office, campaign=campaign, data={**definition, "position": position})


def _seed_lock(office, month: datetime.date, today: datetime.date) -> None:
    """The oldest demo month is closed, and reopened for the agency with a returned report in it."""
    if MonthLock.objects.filter(month=month).exists() or today <= due_date_for(month):
        return
    lock = services.month_lock(actor=office, month=month, note="月度考核已完成", today=today)
    returned = Report.objects.filter(month=month, status=Report.Status.RETURNED).select_related("agency").first()
    if returned is not None:
        services.month_reopen(actor=office, lock=lock, agency=returned.agency, reason="退回报告需补充材料后重新提交")
