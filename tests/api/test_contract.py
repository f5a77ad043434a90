"""The API keeps the promises of its OpenAPI schema: schemathesis against the live server.

Every operation is fuzzed as an anonymous caller, as an agency reporter and as an office
reviewer; no response may be a server error, and every status code, content type and body must
be the one the schema documents (400, 403, 404 included).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.contract, pytest.mark.timeout(900)]

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def _schemathesis() -> str:
    candidate = Path(sys.executable).with_name("schemathesis")
    return str(candidate) if candidate.exists() else shutil.which("schemathesis")


def _run(live_server, tmp_path, name: str, token: str | None) -> subprocess.CompletedProcess:
    command = [
        _schemathesis(),
        "run",
        f"{live_server.url}/api/schema/?format=json",
        "--checks",
        CHECKS,
        "--max-examples",
        "5",
        "--seed",
        "2018",
        "--phases",
        "examples,coverage,fuzzing",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "--report",
        "junit",
        "--report-junit-path",
        str(tmp_path / f"{name}.xml"),
        # Rate-limited public endpoints are checked for their documented 429 separately.
        "--exclude-path-regex",
        r"^/api/v1/public/",
    ]
    if token:
        command += ["-H", f"Authorization: Token {token}"]
    return subprocess.run(command, capture_output=True, text=True, timeout=800, check=False)  # noqa: S603


@pytest.fixture
def demo_data(transactional_db, settings):
    """The plan and the demo data, so every endpoint has objects to return."""
    from campaigns.services import load_plan

    settings.DEBUG = True
    load_plan()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    settings.DEBUG = False


@pytest.mark.parametrize("role", ["anonymous", "reporter", "office"])
def test_api_conforms_to_schema(live_server, demo_data, tmp_path, role):
    """schemathesis finds no server error and no response outside the schema."""
    from rest_framework.authtoken.models import Token

    from agencies.models import User

    token = None
    if role != "anonymous":
        user = User.objects.filter(role=role).order_by("username").first()
        token = Token.objects.get_or_create(user=user)[0].key
    result = _run(live_server, tmp_path, role, token)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
