"""Security rules that hold for every page: login by default, lock-outs, CSP, cookies, deploy check."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import PASSWORD

# Pages an anonymous visitor may open. Everything else requires a login.
PUBLIC_PREFIXES = (
    "/",
    "/campaigns/",
    "/credit/",
    "/repair/",
    "/accounts/login/",
    "/api/",
    "/i18n/",
    "/admin/login/",
    "/static/",
)
ANONYMOUS_OK_EXACT = {"/", "/healthz"}


def _walk(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def _concrete(route: str) -> str:
    """A concrete path for a route, with 1 (or 2024-01) for each parameter."""
    path = re.sub(r"<(?:int:)?[a-z_]+>", "1", route.replace("^", "").replace("$", ""))
    path = re.sub(r"<(?:str|slug|uuid|path):[a-z_]+>", "1", path)
    path = re.sub(r"\(\?P<[a-z_]+>[^)]*\)", "1", path)
    return "/" + path.lstrip("/")


def _is_public(path: str) -> bool:
    if path in ANONYMOUS_OK_EXACT:
        return True
    return any(path.startswith(prefix) for prefix in PUBLIC_PREFIXES if prefix != "/")


@pytest.mark.django_db
def test_login_is_required_by_default(client):
    """Every page outside the public ones sends an anonymous visitor to the login page (or refuses)."""
    checked = 0
    for route in _walk(get_resolver()):
        path = _concrete(route)
        if _is_public(path) or "(?" in path or "\\" in path:
            continue
        response = client.get(path)
        checked += 1
        assert response.status_code in (302, 401, 403, 404, 405), (path, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith(("/accounts/login/", "/admin/login/")), path
    assert checked >= 1


@pytest.mark.django_db
def test_failed_logins_lock_out_username_and_address_pair(client, reporter):
    """Five wrong passwords lock that username from that address only, not the whole account."""
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "reporter1", "password": "wrong"}, REMOTE_ADDR="198.51.100.1")
    locked = client.post(url, {"username": "reporter1", "password": PASSWORD}, REMOTE_ADDR="198.51.100.1")
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode()
    # The same user from the agency's own address still gets in.
    elsewhere = client.post(url, {"username": "reporter1", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5")
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_lockout_does_not_spread_to_other_users(client, reporter, office_user):
    """An attacker guessing one username from an address does not lock out colleagues there."""
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "reporter1", "password": "wrong"}, REMOTE_ADDR="198.51.100.1")
    response = client.post(url, {"username": "office1", "password": PASSWORD}, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 302


@pytest.mark.django_db
def test_spoofed_forwarded_header_does_not_dodge_lockout(client, reporter, settings):
    """With no trusted proxy, a client's own X-Forwarded-For does not give it a fresh address."""
    settings.TRUSTED_PROXY_COUNT = 0
    url = reverse("login")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            url,
            {"username": "reporter1", "password": "wrong"},
            REMOTE_ADDR="198.51.100.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}",
        )
    response = client.post(
        url,
        {"username": "reporter1", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.1",
        HTTP_X_FORWARDED_FOR="10.9.9.99",
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_content_security_policy_forbids_inline_script(client):
    """Every page carries a CSP whose script-src allows only our own files."""
    policy = client.get("/")["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]


def test_templates_have_no_inline_script():
    """No template has an inline <script> body or an on*= event handler (the CSP would block it)."""
    offenders = []
    for path in settings.BASE_DIR.joinpath("templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attrs = match.group(1)
            if "src=" not in attrs and "application/json" not in attrs:
                offenders.append(f"{path}: inline <script>")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path}: inline event handler")
    assert offenders == []


@pytest.mark.django_db
def test_session_cookie_is_httponly_and_samesite(client, reporter):
    """The session cookie is HttpOnly and SameSite=Lax, and expires after the idle timeout."""
    client.post(reverse("login"), {"username": "reporter1", "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE <= 8 * 60 * 60


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["abc\x00defghijklmnop", "'; DROP TABLE--xx", "a" * 31 + "\u00e9"])
def test_a_malformed_session_cookie_is_no_session(client, reporter, key):
    """A session cookie Django did not make (a NUL byte made the database driver raise: 500) is
    treated as no session: the visitor is asked to log in, and a real session still works."""
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    response = client.get("/reports/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.post(reverse("login"), {"username": "reporter1", "password": PASSWORD})
    assert client.get("/reports/").status_code == 200


PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 30 + "-production-secret-key-for-the-deploy-check-0123456789",
    "ID_ENCRYPTION_KEY": "ZGV2LW9ubHkta2V5LWZvci14aXFpbmctY3JlZGl0ISE=",
    "ID_HASH_KEY": "k",
    "ALLOWED_HOSTS": "credit.xiqing.example",
}


def _production(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "DATABASE_URL")}
    return subprocess.run(  # noqa: S603 -- our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        capture_output=True,
        text=True,
        env={**env, **PRODUCTION_ENV},
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_production_settings_pass_deploy_check():
    """manage.py check --deploy --fail-level WARNING is clean with production settings."""
    result = _production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_secure():
    """In production the session and CSRF cookies are Secure, and HTTP redirects to HTTPS."""
    result = _production(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)",
    )
    assert result.stdout.strip() == "True True True", result.stderr
