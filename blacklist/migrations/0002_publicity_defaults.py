"""Hand-written: install the default publicity periods (DESIGN §2) as admin-editable rows."""

from django.conf import settings
from django.db import migrations


def install_defaults(apps, schema_editor):
    PublicityPeriod = apps.get_model("blacklist", "PublicityPeriod")
    for (list_, severity), (is_published, min_months, max_months) in settings.BLACKLIST_PUBLICITY_DEFAULTS.items():
        PublicityPeriod.objects.get_or_create(
            list=list_,
            severity=severity,
            defaults={"is_published": is_published, "min_months": min_months, "max_months": max_months},
        )


class Migration(migrations.Migration):
    dependencies = [("blacklist", "0001_initial")]

    operations = [migrations.RunPython(install_defaults, migrations.RunPython.noop)]
