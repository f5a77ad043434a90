"""Settings of the page benchmark (``bench/search.py --http``): production settings from the
environment, except that ``collectstatic`` skips JavaScript source-map references, because the
Chart.js copy on this branch names a map it does not ship (main has removed the reference)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage

from xiqing_credit.settings import *  # noqa: F403


class BenchStaticStorage(CompressedManifestStaticFilesStorage):
    patterns = tuple(pattern for pattern in CompressedManifestStaticFilesStorage.patterns if pattern[0] != "*.js")


STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "search_settings.BenchStaticStorage"}}  # noqa: F405
