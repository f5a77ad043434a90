"""Open data as published files (issue 6 §5): built by a job, daily and soon after a change to the
public lists (debounced), served as finished files, with a friendly answer before the first build."""

import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from blacklist import public_exports, services
from blacklist.models import ListEntry, OpenDataRelease
from blacklist.open_data import BUILDING_KEY, open_data_release_build
from blacklist.tasks import build_open_data
from tests.factories import CreditSubjectFactory, ListEntryFactory, PersonFactory, PublicEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_cache(private_cache):
    """The build's lock, its queue markers and the lists' version in keys of this test's own."""
    return private_cache


def org(name: str, **values) -> ListEntry:
    return PublicEntryFactory(subject=CreditSubjectFactory(name=name), **values)


def csv_names(client) -> list[str]:
    text = download(client, "csv").decode("utf-8").lstrip("\ufeff")
    return sorted(row["主体名称"] for row in csv.DictReader(io.StringIO(text)))


def download(client, fmt: str) -> bytes:
    response = client.get(f"/credit/open-data/list-entries.{fmt}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT) / "open-data"
    return sorted(path.name for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_page_shows_when_the_data_was_read_and_each_file_size(public_client):
    """The open-data page says "数据截至 <time>", the number of entries and each file's size."""
    org("天津鑫华商贸有限公司")
    PublicEntryFactory(subject=PersonFactory(name="张伟", id_number="342301196410063224"))
    assert build_open_data.delay().get().startswith("open data: 2 entries")
    release = OpenDataRelease.objects.get()
    html = public_client.get("/credit/open-data/").content.decode()
    assert f"数据截至 {timezone.localtime(release.built_at):%Y-%m-%d %H:%M}，共 2 条。" in html
    with translation.override("zh-hans"):
        for fmt in ("xlsx", "csv", "json"):
            assert release.size(fmt) > 0
            assert f"（{filesizeformat(release.size(fmt))}）" in html, fmt


def test_xlsx_before_the_first_build_asks_to_come_back_and_queues_one_build(public_client, busy_worker):
    """No file yet: XLSX answers 503 with a Chinese page and Retry-After, CSV still downloads, and
    however many visitors ask, one build is queued; once it ran, XLSX downloads."""
    org("天津鑫华商贸有限公司")
    first = public_client.get("/credit/open-data/list-entries.xlsx")
    assert first.status_code == 503
    assert first["Retry-After"] == "90"
    page = first.content.decode()
    assert "Excel 文件正在生成，请稍后再试" in page and "约 2 分钟后可以下载" in page
    assert "今天的文件正在生成" in public_client.get("/credit/open-data/").content.decode()
    assert public_client.get("/credit/open-data/list-entries.xlsx").status_code == 503
    assert csv_names(public_client) == ["天津鑫华商贸有限公司"]
    assert len(busy_worker) == 1 and busy_worker[0][0] == 0  # one build, at once
    [said] = busy_worker.run()
    assert said.startswith(f"open data: 1 entries as of {timezone.localdate().isoformat()} (release ")
    response = public_client.get("/credit/open-data/list-entries.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["天津鑫华商贸有限公司"]


def test_an_entry_removed_disappears_from_the_next_build(
    public_client, office_user, django_capture_on_commit_callbacks
):
    """Removing a published entry queues a rebuild once the removal is committed; its files no longer hold it."""
    kept, removed = org("天津保留公司"), org("天津移出公司")
    build_open_data.delay().get()
    assert csv_names(public_client) == ["天津保留公司", "天津移出公司"]
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_remove(actor=office_user, entry=removed, reason="认定部门撤销处罚决定")
    assert OpenDataRelease.objects.count() == 2
    assert csv_names(public_client) == ["天津保留公司"]
    assert kept.pk in [entry["id"] for entry in json.loads(download(public_client, "json"))["entries"]]


def test_changes_within_the_delay_share_one_rebuild(
    public_client, office_user, busy_worker, django_capture_on_commit_callbacks
):
    """The first change queues a rebuild OPEN_DATA_REBUILD_DELAY seconds later; changes before it
    starts add nothing to the queue and are all in it; a change after it queues the next."""
    first, second, third = org("天津一号公司"), org("天津二号公司"), org("天津三号公司")
    build_open_data.apply().get()
    for entry in (first, second):
        with django_capture_on_commit_callbacks(execute=True):
            services.entry_remove(actor=office_user, entry=entry, reason="撤销")
    assert busy_worker == [(settings.OPEN_DATA_REBUILD_DELAY, {})]
    assert csv_names(public_client) == ["天津一号公司", "天津三号公司", "天津二号公司"]  # until the rebuild
    busy_worker.run()
    assert csv_names(public_client) == ["天津三号公司"]
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_remove(actor=office_user, entry=third, reason="撤销")
    assert busy_worker == [(settings.OPEN_DATA_REBUILD_DELAY, {})]
    busy_worker.run()
    assert csv_names(public_client) == []
    assert OpenDataRelease.objects.count() == 3


def test_a_proposal_queues_no_rebuild(office_user, busy_worker, django_capture_on_commit_callbacks):
    """An entry that was never published cannot be in the files: proposing one rebuilds nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        ListEntryFactory(subject=CreditSubjectFactory(name="天津拟列入公司"))
    assert busy_worker == []


def test_the_job_builds_nothing_when_the_files_are_up_to_date():
    """A second run with no change since the last build keeps the release it has."""
    org("天津鑫华商贸有限公司")
    first = build_open_data.delay().get()
    assert build_open_data.delay().get() == first
    assert OpenDataRelease.objects.count() == 1


def test_one_build_at_a_time():
    """While another worker builds, the job does not start a second build."""
    from django.core.cache import cache

    org("天津鑫华商贸有限公司")
    cache.add(BUILDING_KEY, "another worker", timeout=60)
    assert build_open_data.delay().get() == "open data: another build is running"
    assert not OpenDataRelease.objects.exists()
    cache.delete(BUILDING_KEY)
    assert build_open_data.delay().get().startswith("open data: 1 entries")


def test_a_change_while_a_build_reads_is_in_the_next_one(
    public_client, office_user, busy_worker, monkeypatch, django_capture_on_commit_callbacks
):
    """An entry removed after a running build read the lists, whose own rebuild came while that
    build still ran, is in the rebuild the running build queues when it ends."""
    removed = org("天津移出公司")
    write_files = public_exports.write_files

    def write_files_then_a_change(today, outputs):
        count = write_files(today, outputs)
        with django_capture_on_commit_callbacks(execute=True):
            services.entry_remove(actor=office_user, entry=removed, reason="撤销")
        assert busy_worker.run() == ["open data: another build is running"]
        return count

    monkeypatch.setattr(public_exports, "write_files", write_files_then_a_change)
    build_open_data.apply().get()
    monkeypatch.setattr(public_exports, "write_files", write_files)
    assert csv_names(public_client) == ["天津移出公司"]
    assert busy_worker == [(settings.OPEN_DATA_REBUILD_DELAY, {})]
    busy_worker.run()
    assert csv_names(public_client) == []


def test_yesterdays_files_are_not_served(public_client, busy_worker):
    """A file of an earlier day may hold entries whose publicity has ended: it is not served."""
    org("天津昨日截止公司", publish_until=timezone.localdate() - datetime.timedelta(days=1))
    open_data_release_build(today=timezone.localdate() - datetime.timedelta(days=1))
    assert csv_names(public_client) == []
    assert public_client.get("/credit/open-data/list-entries.xlsx").status_code == 503


def test_only_the_newest_releases_keep_their_files(settings):
    """Older releases give up their files; their rows stay as the record of what was published."""
    settings.OPEN_DATA_KEEP_RELEASES = 2
    org("天津鑫华商贸有限公司")
    releases = [open_data_release_build(today=timezone.localdate()) for _ in range(3)]
    for release in releases:
        release.refresh_from_db()
    assert [release.has_files for release in releases] == [False, True, True]
    assert releases[0].csv_size > 0 and releases[0].entry_count == 1
    assert len(stored_files()) == 6


@pytest.mark.parametrize("entries", [2, 40])
def test_query_count_of_a_build_does_not_grow_with_the_entries(entries, django_assert_num_queries):
    """One query reads every entry, whatever their number; then the release is recorded."""
    for n in range(entries):
        org(f"天津{n}号公司")
    PublicEntryFactory(subject=PersonFactory(name="张伟", id_number="342301196410063224"))
    with django_assert_num_queries(3):
        release = open_data_release_build(today=timezone.localdate())
    assert release.entry_count == entries + 1


def test_a_list_longer_than_one_worksheet_continues_on_the_next(monkeypatch):
    """Excel holds 1,048,576 rows a sheet: the rows that do not fit go on 红黑榜（2）, with the heading."""
    monkeypatch.setattr(public_exports, "XLSX_SHEET_ROWS", 2)
    for n in range(3):
        org(f"天津{n}号公司")
    release = open_data_release_build(today=timezone.localdate())
    with release.xlsx_file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    assert workbook.sheetnames == ["红黑榜", "红黑榜（2）"]
    assert [len(list(sheet.values)) for sheet in workbook.worksheets] == [3, 2]
    assert workbook.worksheets[1]["A1"].value == "编号"


def test_without_a_worker_the_first_visit_builds_the_files(
    public_client, settings, office_user, django_capture_on_commit_callbacks
):
    """``make run`` (no broker): the first download builds the files at once, and a change is in
    the next download."""
    settings.OPEN_DATA_BUILD_ON_REQUEST = True
    removed = org("天津移出公司")
    response = public_client.get("/credit/open-data/list-entries.xlsx")
    assert response.status_code == 200 and OpenDataRelease.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_remove(actor=office_user, entry=removed, reason="撤销")
    assert OpenDataRelease.objects.count() == 1  # nothing is built inside the office's request
    assert csv_names(public_client) == []
    assert OpenDataRelease.objects.count() == 2


def test_the_daily_build_is_in_the_beat_schedule():
    """A fresh database has the open-data job just after midnight, Asia/Shanghai."""
    task = PeriodicTask.objects.get(name="红黑榜开放数据生成")
    assert task.task == "blacklist.tasks.build_open_data" and task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month, str(crontab.timezone)) == (
        "1",
        "0",
        "*",
        "Asia/Shanghai",
    )


def test_command_runs_the_job_once():
    """``manage.py build_open_data`` builds the files and says what they hold."""
    org("天津鑫华商贸有限公司")
    out = io.StringIO()
    call_command("build_open_data", stdout=out)
    assert out.getvalue().startswith(f"open data: 1 entries as of {timezone.localdate().isoformat()}, built in ")
    assert sorted(Path(name).suffix for name in stored_files()) == [".csv", ".json", ".xlsx"]


def test_releases_are_listed_in_the_admin(client):
    """The office's administrator sees what was published when; nobody adds or edits a release."""
    from tests.factories import UserFactory

    org("天津鑫华商贸有限公司")
    open_data_release_build(today=timezone.localdate())
    client.force_login(UserFactory(role="admin", is_staff=True, is_superuser=True, username="root"))
    listing = client.get("/admin/blacklist/opendatarelease/")
    assert listing.status_code == 200
    release = OpenDataRelease.objects.get()
    assert [row.pk for row in listing.context["cl"].result_list] == [release.pk]
    assert release.entry_count == 1 and release.csv_size > 0
    assert "/admin/blacklist/opendatarelease/add/" not in listing.content.decode()  # no "add" button
    assert client.get("/admin/blacklist/opendatarelease/add/").status_code == 403
    assert client.post(f"/admin/blacklist/opendatarelease/{release.pk}/change/", {}).status_code == 403
