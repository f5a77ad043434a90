"""A full resident ID number never reaches an anonymous visitor (DESIGN §5): every public response
is scanned for the numbers of persons on the list."""

import datetime
import html
import io
import json
import logging
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from blacklist.log_filters import MaskIdNumbers
from blacklist.models import ListEntry
from blacklist.tasks import build_open_data
from tests.factories import CreditSubjectFactory, PersonFactory, PublicEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    """Replaces the list tests' cache.clear(), which empties the Redis database the other test
    process shares: these tests use client addresses of their own (``public_client``)."""
    yield


IDS = {"张伟": "342301196410063224", "李娜": "34230119641007322X"}


def body(response) -> str:
    """Everything the visitor receives: the text, and the text inside an XLSX (a zip of XML)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return unzipped(content) + "".join(f"{key}: {value}\n" for key, value in response.items())


@pytest.fixture
def listed_persons():
    """Two persons on the black list, one of them also named with their ID inside an organisation's
    reason, plus entries off the list that still belong to them."""
    today = timezone.localdate()
    entries = {}
    for name, number in IDS.items():
        subject = PersonFactory(name=name, id_number=number)
        entries[name] = PublicEntryFactory(subject=subject, reason=f"拒不履行（{number}）")
        PublicEntryFactory(
            subject=subject,
            status=ListEntry.Status.REMOVED,
            removed_at=timezone.now(),
            removal_reason=f"错列，身份证号{number}",
            publish_from=today - datetime.timedelta(days=5),
        )
    PublicEntryFactory(
        subject=CreditSubjectFactory(name="天津鑫华商贸有限公司"),
        reason=f"法定代表人张伟（{IDS['张伟']}）拖欠工资",
        basis=f"关联人员 {IDS['李娜'].lower()}",
    )
    return entries


def public_responses(client, entries, worker) -> dict[str, object]:
    """Every kind of public response, including the errors a visitor can provoke: the open data
    before the day's files are built (made while sent, or 503) and after."""
    detail_link = client.get("/credit/", {"q": "张伟"}).context["entries"][0].detail_url
    since = (timezone.localdate() - datetime.timedelta(days=60)).isoformat()
    responses = {
        "search by name": client.get("/credit/", {"q": "张伟"}),
        "search by ID": client.get("/credit/", {"q": IDS["张伟"]}),
        "search by ID with X": client.get("/credit/", {"q": IDS["李娜"].lower()}),
        "search by ID, wrong check digit": client.get("/credit/", {"q": IDS["张伟"][:17] + "5"}),
        "search without query": client.get("/credit/"),
        "search of the organisation": client.get("/credit/", {"q": "鑫华"}),
        "person detail": client.get(detail_link),
        "organisation detail": client.get(client.get("/credit/", {"q": "鑫华"}).context["entries"][0].detail_url),
        "detail 404 carrying an ID": client.get(f"/credit/{entries['张伟'].pk}/", {"q": IDS["张伟"]}),
        "unknown page carrying an ID": client.get(f"/credit/{IDS['张伟']}/"),
        "change log": client.get("/credit/changes/", {"since": since}),
        "change log, bad date": client.get("/credit/changes/", {"since": IDS["张伟"]}),
        "open data page, files being built": client.get("/credit/open-data/"),
        "open data CSV, made while sent": client.get("/credit/open-data/list-entries.csv"),
        "open data JSON, made while sent": client.get("/credit/open-data/list-entries.json"),
        "open data XLSX, being built": client.get("/credit/open-data/list-entries.xlsx"),
        "API by name": client.get("/api/v1/public/list-entries/", {"q": "张伟"}),
        "API by ID": client.get("/api/v1/public/list-entries/", {"q": IDS["李娜"]}),
        "API organisations": client.get("/api/v1/public/list-entries/", {"q": "鑫华"}),
        "API wrong check digit": client.get("/api/v1/public/list-entries/", {"q": IDS["张伟"][:17] + "5"}),
        "API bad page": client.get("/api/v1/public/list-entries/", {"q": IDS["张伟"], "page": 9}),
    }
    worker.run()  # the day's open-data files are built
    responses.update(
        {
            "open data page": client.get("/credit/open-data/"),
            "open data CSV": client.get("/credit/open-data/list-entries.csv"),
            "open data JSON": client.get("/credit/open-data/list-entries.json"),
            "open data XLSX": client.get("/credit/open-data/list-entries.xlsx"),
        }
    )
    return responses


def stored_open_data() -> dict[str, str]:
    """The text of every open-data file kept in the storage, as a mirror or a backup would copy it."""
    root = Path(settings.MEDIA_ROOT) / "open-data"
    files = {str(path): path.read_bytes() for path in root.rglob("*") if path.is_file()}
    return {name: unzipped(content) for name, content in files.items()}


def unzipped(content: bytes) -> str:
    """The text of ``content``; of an XLSX (a zip of XML), the XML with its character references
    resolved (openpyxl writes 张 as ``&#24352;``)."""
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            xml = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
        return html.unescape(xml)
    return content.decode("utf-8", "replace")


def test_no_public_response_holds_a_full_id_number(public_client, listed_persons, busy_worker, private_cache):
    """Pages, API, open data (CSV, JSON, XLSX: made while sent, and the built files, downloaded and
    as stored), change log, error and 404 pages: masked IDs only."""
    responses = public_responses(public_client, listed_persons, busy_worker)
    expected_status = {
        "detail 404 carrying an ID": 404,
        "unknown page carrying an ID": 404,
        "API wrong check digit": 400,
        "API bad page": 404,
        "open data XLSX, being built": 503,
    }
    texts = {}
    for label, response in responses.items():
        assert response.status_code == expected_status.get(label, 200), label
        texts[label] = text = body(response)
        for number in IDS.values():
            assert number not in text.upper(), f"{label} shows {number}"
    for label in ("open data CSV, made while sent", "open data CSV", "open data JSON", "open data XLSX"):
        assert "张*" in texts[label], label  # the scan read the file itself
    stored = stored_open_data()
    assert sorted(Path(name).suffix for name in stored) == [".csv", ".json", ".xlsx"]
    for name, text in stored.items():
        assert "张*" in text and "鑫华" in text, name
        for number in IDS.values():
            assert number not in text.upper(), f"{name} holds {number}"
    assert "3423011964****3224" in texts["search by name"]
    assert "3423011964****322X" in texts["API by ID"]
    assert "3423011964****3224" in texts["organisation detail"]  # the masked ID in the reason


def test_bulk_outputs_show_persons_by_surname_only(public_client, listed_persons, private_cache):
    """Open data and the change log hold no ID at all and a person only as 张*: no harvesting of names."""
    build_open_data.delay().get()
    response = public_client.get("/credit/open-data/list-entries.json")
    data = json.loads(b"".join(response.streaming_content))
    assert sorted(entry["subject_name"] for entry in data["entries"]) == ["天津鑫华商贸有限公司", "张*", "李*"]
    assert [entry["credit_code"] for entry in data["entries"] if entry["subject_type"] == "自然人"] == ["", ""]
    since = (timezone.localdate() - datetime.timedelta(days=60)).isoformat()
    change_log = public_client.get("/credit/changes/", {"since": since}).content.decode()
    assert "张*" in change_log and "李*" in change_log
    assert "张伟" not in change_log and "李娜" not in change_log
    assert "****" not in change_log


def test_log_lines_never_hold_a_full_id_number(public_client, listed_persons):
    """An ID typed into a URL is masked in the log line written for the 404, and in exception texts."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, MaskIdNumbers) for f in h.filters))
    path = f"/credit/{IDS['张伟']}/"
    assert public_client.get(path).status_code == 404
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", (path,), None)
    assert handler.filter(record)
    assert handler.format(record).endswith("Not Found: /credit/3423011964****3224/")
    try:
        raise ValueError(f"bad value {IDS['李娜']}")
    except ValueError:
        failure = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    handler.filter(failure)
    assert "bad value 3423011964****322X" in handler.format(failure)
    assert IDS["李娜"] not in handler.format(failure)
