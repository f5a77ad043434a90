"""Configuration from the environment and the database it creates."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from xiqing_credit.client_ip import client_ip


def _settings_value(expr: str, **env) -> subprocess.CompletedProcess:
    """Evaluate ``expr`` against freshly imported settings with exactly ``env`` set."""
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'xiqing_credit.settings'; django.setup(); "
        f"from django.conf import settings as s; print({expr})"
    )
    return subprocess.run(  # noqa: S603 -- our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, env={**base, **env}, check=False
    )


def test_defaults_need_no_configuration():
    """With nothing set: SQLite, eager Celery, console email, DEBUG on, Chinese, Shanghai."""
    result = _settings_value(
        "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.DEBUG, "
        "s.LANGUAGE_CODE, s.TIME_ZONE"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "django.db.backends.sqlite3 True django.core.mail.backends.console.EmailBackend True zh-hans Asia/Shanghai"
    )


def test_production_has_no_default_secret_key():
    """With DEBUG off and no SECRET_KEY, the settings refuse to load."""
    result = _settings_value("s.SECRET_KEY", DEBUG="false", ID_ENCRYPTION_KEY="x", ID_HASH_KEY="y")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_keeps_persistent_connections():
    """With DEBUG off the database connections persist (CONN_MAX_AGE)."""
    result = _settings_value(
        "s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER",
        DEBUG="false",
        SECRET_KEY="k" * 50,
        ID_ENCRYPTION_KEY="x",
        ID_HASH_KEY="y",
        DATABASE_URL="postgres://u@db:5432/xiqing",
        REDIS_URL="redis://redis:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "600 xiqing_credit.db.postgresql False"


def test_tests_run_on_the_configured_database():
    """When DATABASE_URL names PostgreSQL the tests run on PostgreSQL, never a silent SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres", "pgsql")) else "sqlite"
    assert connection.vendor == expected


@pytest.mark.django_db
def test_postgres_database_has_utf8_ctype():
    """PostgreSQL databases are created with a UTF-8 LC_CTYPE (pg_trgm needs it for Chinese)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no locale")
    with connection.cursor() as cursor:
        cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        (ctype,) = cursor.fetchone()
    assert ctype.replace("-", "").lower() in ("c.utf8", "en_us.utf8")


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # no proxy: the header is the client's own lie
        (1, "10.0.0.2", "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # our proxy appended the real one
        (1, "10.0.0.2", "", "10.0.0.2"),
        (2, "10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.3", "198.51.100.7"),
    ],
)
def test_client_ip_trusts_only_configured_proxies(rf, settings, proxies, remote, forwarded, expected):
    """X-Forwarded-For is trusted only for the configured number of proxies."""
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_static_files_are_local():
    """Bootstrap is served from static/, not a CDN."""
    assert (settings.BASE_DIR / "static/vendor/bootstrap/bootstrap.min.css").exists()


@pytest.mark.django_db
def test_a_browser_preferring_english_gets_one_language(client):
    """The portal speaks Simplified Chinese only: an English-preferring browser gets the page in
    Chinese, marked so, with Django's own messages in Chinese too (no half-English form)."""
    response = client.post("/accounts/login/", {"username": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert html.count("该字段是必填项。") == 2 and "This field is required." not in html
