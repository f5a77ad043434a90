from django.apps import AppConfig


class BlacklistConfig(AppConfig):
    name = "blacklist"
    verbose_name = "红黑榜"

    def ready(self):
        # The public lists' change signals (page cache version, open-data rebuild) must be
        # connected in every process that writes entries: a Celery worker or a management
        # command run from cron loads no URLs, so nothing else would import the module there.
        from . import public_cache  # noqa: F401
