"""The default beat schedule of the scheduled jobs (DESIGN §4), stored with django-celery-beat.

``install_default_schedule`` runs after every ``migrate``: it adds the jobs that are missing and
never touches one that exists, so an administrator's changes in the admin (time, enabled) stay.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.management.base import CommandError
from django.utils import timezone


@dataclass(frozen=True)
class Job:
    name: str
    task: str
    description: str
    minute: str
    hour: str = "*"


DEFAULT_SCHEDULE = [
    Job(
        name="月度报告催报提醒",
        task="reports.tasks.send_reminders",
        description="每天：截止前、截止日和逾期期间提醒牵头单位填报员，逾期较久时通报区文明办。",
        minute="0",
        hour="8",
    ),
    Job(
        name="月度督查汇总",
        task="agencies.tasks.send_supervision_summary",
        description="每天检查：到汇总日（默认截止日次日）把上月督查汇总（附 Excel）发给区文明办审核员，每月一次。",
        minute="30",
        hour="8",
    ),
    Job(
        name="名单公示期满移出",
        task="blacklist.tasks.expire_list_entries",
        description="每天：公示期满的红黑名单条目移出公示，并在变更记录中写明原因。",
        minute="10",
        hour="0",
    ),
    Job(
        name="红黑榜开放数据生成",
        task="blacklist.tasks.build_open_data",
        description="每天零点后：按当日公示中的红黑榜生成开放数据文件（CSV、JSON、Excel）；名单变动后另在数分钟内重新生成。",
        minute="1",
        hour="0",
    ),
    Job(
        name="信用修复办理期限提醒",
        task="blacklist.tasks.check_repair_deadlines",
        description="每天：临近或超过办理期限的信用修复申请，提醒区文明办（每天至多一次）。",
        minute="45",
        hour="8",
    ),
    Job(
        name="未发出邮件重新排队",
        task="agencies.tasks.requeue_stale_emails",
        description="每小时：把长时间未交给发送进程的邮件重新排队（如消息队列曾中断）。",
        minute="17",
    ),
]


def install_default_schedule(using: str = "default", **kwargs) -> int:
    """Create the periodic tasks of ``DEFAULT_SCHEDULE`` that do not exist yet; returns how many."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    tasks = PeriodicTask.objects.using(using)
    crontabs = CrontabSchedule.objects.using(using)
    created = 0
    for job in DEFAULT_SCHEDULE:
        if tasks.filter(name=job.name).exists():
            continue
        fields = {
            "minute": job.minute,
            "hour": job.hour,
            "day_of_week": "*",
            "day_of_month": "*",
            "month_of_year": "*",
            "timezone": "Asia/Shanghai",
        }
        crontab = crontabs.filter(**fields).first() or crontabs.create(**fields)
        tasks.create(name=job.name, task=job.task, crontab=crontab, description=job.description)
        created += 1
    return created


def day_or_today(value: str | None) -> datetime.date:
    """The day a job runs for: a YYYY-MM-DD date, or today in Asia/Shanghai."""
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


def parse_day(value: str | None) -> datetime.date:
    """The ``--today`` of a job's command, refused with a plain message when malformed."""
    try:
        return day_or_today(value)
    except ValueError:
        raise CommandError(f"日期“{value}”无效，请使用 YYYY-MM-DD 格式。") from None
