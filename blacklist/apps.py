from django.apps import AppConfig


class BlacklistConfig(AppConfig):
    name = "blacklist"
    verbose_name = "红黑榜"

    def ready(self):
        # Every process that can change the lists (web, Celery worker, management command) must
        # start a new public-page cache version, not only those that loaded the public views.
        from . import public_cache  # noqa: F401
