"""The Celery app: broker from ``REDIS_URL``; without one, tasks run in-process (eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiqing_credit.settings")

app = Celery("xiqing_credit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
