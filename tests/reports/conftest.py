"""Fixtures of the report tests: the agencies around campaign 8 and reports in each state.

Campaign 8 (开展拖欠工资问题专项治理) is led by 区发展改革委 and 区人力社保局 (the ``reporter``
fixture's agency); 区人民法院, 公安西青分局 and 区财政局 take part in it. 区旅游局 has nothing
to do with it.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = datetime.date(2026, 3, 1)  # due 2026-04-05
TODAY = datetime.date(2026, 4, 20)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def shanghai(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def docx_bytes(main_part: str = "word/document.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # A fixed timestamp: the same bytes on every run and every test worker.
        archive.writestr(zipfile.ZipInfo("[Content_Types].xml", date_time=(2026, 1, 1, 0, 0, 0)), "<Types/>")
        archive.writestr(zipfile.ZipInfo(main_part, date_time=(2026, 1, 1, 0, 0, 0)), "<document/>")
    return buffer.getvalue()


def ole2_doc_bytes() -> bytes:
    """A legacy Word (OLE2) header as filetype recognises it."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"\xec\xa5\xc1\x00" + b"\x00" * 600


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Accounts made by the fixtures need no slow hashing: no test here logs in with a password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded attachments go to a temporary MEDIA_ROOT, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def campaign8(db):
    from campaigns.models import Campaign

    return Campaign.objects.get(number=8)


@pytest.fixture
def campaign13(db):
    from campaigns.models import Campaign

    return Campaign.objects.get(number=13)


def _agency(name):
    from agencies.models import Agency

    return Agency.objects.get(name=name)


@pytest.fixture
def ndrc_reporter(db):
    """A reporter of 区发展改革委, the other lead of campaign 8."""
    return UserFactory(agency=_agency("区发展改革委"), role="reporter", username="ndrc1")


@pytest.fixture
def court_reporter(db):
    """A reporter of 区人民法院, a participating agency of campaign 8."""
    return UserFactory(agency=_agency("区人民法院"), role="reporter", username="court1")


@pytest.fixture
def tourism_reporter(db):
    """A reporter of 区旅游局, which neither leads nor takes part in campaign 8."""
    return UserFactory(agency=_agency("区旅游局"), role="reporter", username="tourism1")


@pytest.fixture
def wage_indicators(campaign8, office_user):
    """Two indicators of campaign 8: a required integer with bounds, an optional decimal."""
    from reports.services import indicator_create

    workers = indicator_create(
        actor=office_user,
        campaign=campaign8,
        data={"name": "涉及农民工人数", "unit": "人", "kind": "integer", "min_value": 0, "max_value": 5000},
    )
    money = indicator_create(
        actor=office_user,
        campaign=campaign8,
        data={"name": "追讨欠薪金额", "unit": "万元", "kind": "decimal", "required": False, "position": 2},
    )
    return workers, money


FILLED = {
    "work_done": "开展欠薪专项检查 3 次。",
    "problems": "无",
    "next_plan": "继续排查在建工程项目。",
    "cases_handled": 4,
}


@pytest.fixture
def draft(reporter, campaign8):
    """区人力社保局's March 2026 report on campaign 8, opened but empty."""
    from reports.services import report_open

    return report_open(actor=reporter, campaign=campaign8, month=MARCH, today=TODAY)


@pytest.fixture
def filled(draft, reporter):
    from reports.services import report_update

    return report_update(actor=reporter, report=draft, data=FILLED)


@pytest.fixture
def submitted(filled, reporter):
    from reports.services import report_submit

    return report_submit(actor=reporter, report=filled, now=shanghai(2026, 4, 3, 10, 0))


@pytest.fixture
def returned(submitted, office_user):
    from reports.services import report_return

    return report_return(actor=office_user, report=submitted, comment="请补充检查台账。")


@pytest.fixture
def accepted(submitted, office_user):
    from reports.services import report_accept

    return report_accept(actor=office_user, report=submitted)
