from django.apps import AppConfig
from django.core import checks


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "月度工作进展"

    def ready(self):
        checks.register(check_report_settings, checks.Tags.compatibility)


def check_report_settings(app_configs, **kwargs):
    """REPORT_DUE_DAY must exist in every month, or February's due date cannot be computed."""
    from django.conf import settings

    day = settings.REPORT_DUE_DAY
    if not isinstance(day, int) or not 1 <= day <= 28:
        return [
            checks.Error(
                f"REPORT_DUE_DAY must be a day between 1 and 28 (every month has it), not {day!r}.",
                id="reports.E001",
            )
        ]
    return []
