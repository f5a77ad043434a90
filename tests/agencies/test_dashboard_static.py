"""The dashboard's chart library survives the production static-files pipeline."""

from django.core.management import call_command


def test_collectstatic_with_manifest_storage(settings, tmp_path):
    """collectstatic with hashed names, as production runs it, succeeds: a dangling source map broke it.

    Production uses whitenoise's CompressedManifestStaticFilesStorage; the manifest half, which
    follows every sourceMappingURL, is what failed. Compression is left out to keep the test quick.
    """
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert list(tmp_path.glob("vendor/chartjs/chart.umd.*.js"))
    assert list(tmp_path.glob("js/dashboard.*.js"))
