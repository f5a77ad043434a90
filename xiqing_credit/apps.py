from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    """The project package: settings, URLs, the Celery app and the default job schedule."""

    name = "xiqing_credit"
    verbose_name = "西青区诚信建设平台"

    def ready(self):
        from .schedule import install_default_schedule

        # After every migrate (and test-database flush) of django-celery-beat's tables: add the
        # jobs that are missing. (Django sends post_migrate only to apps with models.)
        post_migrate.connect(
            install_default_schedule,
            sender=apps.get_app_config("django_celery_beat"),
            dispatch_uid="xiqing_credit.schedule",
        )
