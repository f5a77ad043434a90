"""The default beat schedule: installed by migrate, editable in the admin, never overwritten."""

import pytest
from django_celery_beat.models import PeriodicTask

from xiqing_credit.celery import app
from xiqing_credit.schedule import DEFAULT_SCHEDULE, install_default_schedule

pytestmark = pytest.mark.django_db


def test_migrate_installs_the_default_schedule():
    """A fresh database has the reminder job at 08:00 Asia/Shanghai every day, without a manual step."""
    task = PeriodicTask.objects.get(name="月度报告催报提醒")
    assert task.task == "reports.tasks.send_reminders"
    assert task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month, str(crontab.timezone)) == (
        "0",
        "8",
        "*",
        "Asia/Shanghai",
    )
    assert set(PeriodicTask.objects.values_list("task", flat=True)) >= {job.task for job in DEFAULT_SCHEDULE}


def test_administrator_changes_survive_the_next_migrate():
    """A job the administrator disabled or moved stays so; a deleted one comes back."""
    task = PeriodicTask.objects.get(name="月度报告催报提醒")
    task.enabled = False
    task.save()
    assert install_default_schedule() == 0
    assert not PeriodicTask.objects.get(name="月度报告催报提醒").enabled
    PeriodicTask.objects.filter(name="未发出邮件重新排队").delete()
    assert install_default_schedule() == 1
    assert PeriodicTask.objects.filter(name="未发出邮件重新排队").exists()


def test_every_scheduled_task_is_registered():
    """Every task of the schedule exists in the Celery app, so beat never sends an unknown task."""
    app.loader.import_default_modules()
    assert {job.task for job in DEFAULT_SCHEDULE} <= set(app.tasks)
