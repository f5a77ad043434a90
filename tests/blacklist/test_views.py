"""Staff list pages under /list/ and the public credit-repair pages under /repair/."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from agencies.models import Agency
from blacklist.models import IdRevealLog, ListEntry, RepairApplication
from tests.factories import ListEntryFactory, PersonFactory, UserFactory, credit_code

pytestmark = pytest.mark.django_db

FULL_ID = "11010519491231002X"
MASKED_ID = "1101051949****002X"


@pytest.fixture
def other_client(db):
    """A reporter of 区市场监管局, which neither proposed nor decided the factory's entries (own client)."""
    client = Client()
    client.force_login(UserFactory(agency=Agency.objects.get(name="区市场监管局"), role="reporter", username="other"))
    return client


def published(**values):
    values.setdefault("status", "published")
    values.setdefault("publish_from", datetime.date(2025, 1, 11))
    values.setdefault("publish_until", datetime.date(2026, 1, 10))
    return ListEntryFactory(**values)


# --- Entry list -----------------------------------------------------------------------------------


def test_list_needs_login(client):
    """Anonymous users are sent to the login page."""
    response = client.get(reverse("blacklist:entry_list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_office_sees_every_agency_reporter_only_its_own(office_client, reporter):
    """The office sees all entries; an agency those it proposed or decided."""
    own = ListEntryFactory(subject__name="本单位的企业")
    market = Agency.objects.get(name="区市场监管局")
    ListEntryFactory(subject__name="别的单位的企业", deciding_agency=market)
    office_html = office_client.get(reverse("blacklist:entry_list")).content.decode()
    assert "本单位的企业" in office_html and "别的单位的企业" in office_html
    reporter_client = Client()
    reporter_client.force_login(reporter)
    response = reporter_client.get(reverse("blacklist:entry_list"))
    assert [entry.pk for entry in response.context["page"]] == [own.pk]


def test_list_shows_masked_id_only(office_client):
    """Staff lists show a person's ID masked."""
    ListEntryFactory(subject=PersonFactory(id_number=FULL_ID))
    html = office_client.get(reverse("blacklist:entry_list")).content.decode()
    assert MASKED_ID in html
    assert FULL_ID not in html


def test_list_filters_by_status_and_full_id(office_client):
    """Filters: status, and a full ID number found through its keyed hash."""
    person = ListEntryFactory(subject=PersonFactory(id_number=FULL_ID))
    published(subject__name="已发布企业")
    response = office_client.get(reverse("blacklist:entry_list"), {"q": FULL_ID.lower()})
    assert [entry.pk for entry in response.context["page"]] == [person.pk]
    response = office_client.get(reverse("blacklist:entry_list"), {"status": "published"})
    assert [entry.subject.name for entry in response.context["page"]] == ["已发布企业"]


@pytest.mark.parametrize("count", [1, 12])
def test_list_query_count_is_fixed(office_client, django_assert_num_queries, count):
    """The list page runs the same number of queries for 1 and for many entries."""
    ListEntryFactory.create_batch(count)
    with django_assert_num_queries(10):
        office_client.get(reverse("blacklist:entry_list"))


# --- Proposing --------------------------------------------------------------------------------


def form_data(**values):
    data = {
        "list": "black",
        "subject_type": "legal_person",
        "name": "天津某劳务有限公司",
        "credit_code": credit_code(300),
        "id_number": "",
        "campaign": "8",
        "severity": "general",
        "reason": "拖欠农民工工资",
        "basis": "《保障农民工工资支付条例》",
        "deciding_agency": str(Agency.objects.get(name="区人力社保局").pk),
        "decision_number": "西青人社罚〔2025〕3号",
        "decision_date": "2025-05-20",
        "publish_until": "2026-05-20",
    }
    from campaigns.models import Campaign

    data["campaign"] = str(Campaign.objects.get(number=8).pk)
    data.update(values)
    return data


def test_reporter_proposes_through_form(reporter_client):
    """A reporter's proposal is saved as proposed and shown with its history."""
    response = reporter_client.post(reverse("blacklist:entry_create"), form_data(), follow=True)
    entry = ListEntry.objects.get()
    assert entry.status == "proposed"
    html = response.content.decode()
    assert "名单条目已提出，等待区文明办审核发布。" in html
    assert "reporter1" in html  # the history names who proposed


def test_form_shows_check_digit_error_next_to_field(reporter_client):
    """A wrong check digit is shown under the credit-code field; nothing is written."""
    response = reporter_client.post(reverse("blacklist:entry_create"), form_data(credit_code="91350100M000100Y4Z"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"credit_code": ["统一社会信用代码第18位校验位应为3，而不是Z。"]}
    assert 'id="id_credit_code_errors"' in response.content.decode()
    assert ListEntry.objects.count() == 0


def test_form_refuses_publicity_end_outside_range(reporter_client):
    """The range of the severity is given next to the publicity-end field."""
    response = reporter_client.post(reverse("blacklist:entry_create"), form_data(publish_until="2027-01-01"))
    assert response.context["form"].errors == {
        "publish_until": ["一般失信的公示截止日期应在2025-08-20至2026-05-20之间（自决定日期起3至12个月）。"]
    }


def test_reporter_cannot_choose_another_deciding_agency(reporter_client):
    """A reporter's form offers only its own agency; another one is refused."""
    market = Agency.objects.get(name="区市场监管局")
    response = reporter_client.post(reverse("blacklist:entry_create"), form_data(deciding_agency=str(market.pk)))
    assert "deciding_agency" in response.context["form"].errors
    assert ListEntry.objects.count() == 0


# --- Detail, publish, remove, reveal ---------------------------------------------------------------


def test_detail_of_other_agencys_entry_is_404(other_client):
    """An agency cannot open an entry it neither proposed nor decided."""
    entry = ListEntryFactory()
    assert other_client.get(reverse("blacklist:entry_detail", args=[entry.pk])).status_code == 404


def test_office_publishes_from_detail_page(office_client):
    """The office's publish button publishes the entry."""
    entry = ListEntryFactory(publish_until=datetime.date.today() + datetime.timedelta(days=30))
    response = office_client.post(reverse("blacklist:entry_publish", args=[entry.pk]), follow=True)
    assert "已发布，条目即日起在信用“红黑榜”公示。" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "published"


def test_reporter_publish_and_remove_are_403(reporter_client):
    """Publishing and removing are the office's: a reporter gets 403, the entry is unchanged."""
    entry = ListEntryFactory()
    assert reporter_client.post(reverse("blacklist:entry_publish", args=[entry.pk])).status_code == 403
    response = reporter_client.post(reverse("blacklist:entry_remove", args=[entry.pk]), {"remove-reason": "误报"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == "proposed"


def test_publish_is_post_only(office_client):
    """A GET does not publish."""
    entry = ListEntryFactory()
    assert office_client.get(reverse("blacklist:entry_publish", args=[entry.pk])).status_code == 405


def test_remove_without_reason_is_refused(office_client):
    """Removing needs a reason, shown next to the field."""
    entry = published()
    response = office_client.post(reverse("blacklist:entry_remove", args=[entry.pk]), {"remove-reason": ""})
    assert response.status_code == 400
    assert response.context["remove_form"].errors == {"reason": ["该字段是必填项。"]}
    response = office_client.post(
        reverse("blacklist:entry_remove", args=[entry.pk]), {"remove-reason": "处罚决定被撤销"}, follow=True
    )
    assert "已移出名单，条目保留在信用记录中。" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.status, entry.removal_reason) == ("removed", "处罚决定被撤销")


def test_reveal_shows_full_id_once_and_logs_it(office_client, office_user):
    """With a reason the full ID is shown and the reveal recorded; the detail page stays masked."""
    entry = ListEntryFactory(subject=PersonFactory(id_number=FULL_ID))
    detail = office_client.get(reverse("blacklist:entry_detail", args=[entry.pk])).content.decode()
    assert FULL_ID not in detail and MASKED_ID in detail
    response = office_client.post(reverse("blacklist:entry_reveal", args=[entry.pk]), {"reveal-reason": "核对身份信息"})
    assert response.status_code == 200
    assert FULL_ID in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    log = IdRevealLog.objects.get()
    assert (log.user, log.reason) == (office_user, "核对身份信息")


def test_reveal_without_reason_shows_nothing(office_client):
    """No reason, no ID and no log."""
    entry = ListEntryFactory(subject=PersonFactory(id_number=FULL_ID))
    response = office_client.post(reverse("blacklist:entry_reveal", args=[entry.pk]), {"reveal-reason": ""})
    assert response.status_code == 400
    assert FULL_ID not in response.content.decode()
    assert IdRevealLog.objects.count() == 0


def test_reveal_by_other_agency_is_404(other_client):
    """An agency cannot reveal the ID of an entry it cannot see."""
    entry = ListEntryFactory(subject=PersonFactory(id_number=FULL_ID))
    response = other_client.post(reverse("blacklist:entry_reveal", args=[entry.pk]), {"reveal-reason": "核对身份信息"})
    assert response.status_code == 404
    assert IdRevealLog.objects.count() == 0


def test_export_of_reporter_contains_only_its_entries(reporter_client):
    """The Excel export follows the same visibility as the list."""
    import io

    from openpyxl import load_workbook

    ListEntryFactory(subject__name="本单位的企业")
    ListEntryFactory(subject__name="别的单位的企业", deciding_agency=Agency.objects.get(name="区市场监管局"))
    response = reporter_client.get(reverse("blacklist:entry_export"))
    names = [row[3] for row in load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)]
    assert names == ["主体名称", "本单位的企业"]


def test_staff_pages_refuse_accounts_without_role(client):
    """An account that is neither reporter nor office gets 403 on staff list pages."""
    user = UserFactory(agency=None, role="reporter", username="norole")
    user.role = "none"
    user.save(update_fields=["role"])
    client.force_login(user)
    for name in ("entry_list", "entry_create", "import_upload", "repair_list", "import_template", "entry_export"):
        assert client.get(reverse(f"blacklist:{name}")).status_code == 403


# --- Repair: staff review -------------------------------------------------------------------------


def application_for(entry, **values):
    defaults = {
        "entry": entry,
        "grounds": ["corrected"],
        "statement": "已改正",
        "commitment": "承诺",
        "commitment_signed_by": "王五",
        "applicant_name": "王五",
        "contact_phone": "13800000000",
        "query_code": "ABCDEFGHJKLM",
        "due_date": datetime.date(2025, 6, 16),
    }
    defaults.update(values)
    return RepairApplication.objects.create(**defaults)


def test_office_decides_repair_on_page(office_client):
    """The office approves; the entry is repaired at once."""
    entry = published()
    application = application_for(entry)
    response = office_client.post(
        reverse("blacklist:repair_detail", args=[application.pk]),
        {"decision": "approve", "reason": "已纠正失信行为"},
        follow=True,
    )
    assert "已作出决定。" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "repaired"


def test_repair_decision_needs_reason(office_client):
    """A decision without a reason is refused next to the field."""
    application = application_for(published())
    response = office_client.post(reverse("blacklist:repair_detail", args=[application.pk]), {"decision": "approve"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"reason": ["该字段是必填项。"]}


def test_repair_of_other_agency_is_404(other_client):
    """An agency that did not decide the entry cannot see or decide its repair."""
    application = application_for(published())
    url = reverse("blacklist:repair_detail", args=[application.pk])
    assert other_client.get(url).status_code == 404
    assert other_client.post(url, {"decision": "approve", "reason": "同意"}).status_code == 404
    assert RepairApplication.objects.get().status == "submitted"


def test_evidence_download_only_for_those_who_see_the_application(office_client, other_client, media_root):
    """Evidence files download for the office and are 404 for another agency."""
    from django.core.files.base import ContentFile

    application = application_for(published())
    item = application.evidence.create(filename="证明.pdf", size=8, content_type="application/pdf")
    item.file.save("e.pdf", ContentFile(b"%PDF-1.4"))
    url = reverse("blacklist:repair_evidence", args=[application.pk, item.pk])
    assert other_client.get(url).status_code == 404
    response = office_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"


# --- Repair: public pages ---------------------------------------------------------------------------


def apply_data(entry, **values):
    data = {
        "entry": entry.pk,
        "key": entry.subject.credit_code,
        "grounds": ["corrected", "charity"],
        "statement": "已足额支付拖欠工资。",
        "commitment": "on",
        "commitment_signed_by": "王五",
        "applicant_name": "王五",
        "contact_phone": "13800000000",
        "contact_email": "",
    }
    data.update(values)
    return data


def test_repair_home_is_public(client):
    """Anyone can read how credit repair works, with the minimum periods."""
    response = client.get(reverse("blacklist:repair_home"))
    assert response.status_code == 200
    assert "一般失信：公示3至12个月（自决定日期起算），满3个月后可申请修复" in response.content.decode()


def test_public_application_gets_query_code(client):
    """A valid application by an anonymous applicant is saved and shows its query code once."""
    entry = published(decision_date=datetime.date(2024, 1, 10), publish_until=datetime.date(2025, 1, 10))
    entry.publish_until = datetime.date.today() + datetime.timedelta(days=60)
    entry.save()
    pdf = SimpleUploadedFile("缴款凭证.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    response = client.post(reverse("blacklist:repair_apply"), {**apply_data(entry), "evidence": [pdf]})
    assert response.status_code == 200
    application = RepairApplication.objects.get()
    assert application.query_code in response.content.decode()
    assert application.grounds == ["corrected", "charity"]
    assert [item.filename for item in application.evidence.all()] == ["缴款凭证.pdf"]
    assert "no-store" in response["Cache-Control"]


def test_public_application_too_early_says_from_when(client):
    """Before the minimum publicity period the form says from which day repair is possible."""
    today = datetime.date.today()
    entry = published(
        decision_date=today - datetime.timedelta(days=10), publish_until=today + datetime.timedelta(days=200)
    )
    response = client.post(reverse("blacklist:repair_apply"), apply_data(entry))
    assert response.status_code == 400
    from blacklist.dates import add_months

    earliest = add_months(entry.decision_date, 3)
    assert response.context["form"].non_field_errors() == [
        f"最短公示期（3个月）未满，自{earliest:%Y-%m-%d}起方可申请信用修复。"
    ]
    assert RepairApplication.objects.count() == 0


def test_public_application_needs_matching_code(client):
    """The code or ID must be the entry's subject's; otherwise a neutral message and nothing saved."""
    entry = published()
    response = client.post(reverse("blacklist:repair_apply"), apply_data(entry, key=credit_code(999)))
    assert response.context["form"].errors == {
        "key": ["未找到与该编号和代码（号码）相符的名单条目，请核对后重新填写。"]
    }
    assert RepairApplication.objects.count() == 0


def test_person_applies_with_full_id_and_id_never_echoed(client):
    """A person proves the entry with the full ID; the response never contains it."""
    today = datetime.date.today()
    entry = published(
        subject=PersonFactory(id_number=FULL_ID),
        decision_date=today - datetime.timedelta(days=200),
        publish_until=today + datetime.timedelta(days=100),
    )
    response = client.post(reverse("blacklist:repair_apply"), apply_data(entry, key=FULL_ID.lower()))
    assert response.status_code == 200
    assert RepairApplication.objects.count() == 1
    assert FULL_ID not in response.content.decode()
    response = client.post(reverse("blacklist:repair_apply"), apply_data(entry, key=FULL_ID, grounds=[]))
    assert FULL_ID not in response.content.decode()


def test_failed_attempts_are_rate_limited(client, settings):
    """After too many wrong codes the client is told to wait (429), even with a right code."""
    settings.REPAIR_FAILED_ATTEMPTS_PER_HOUR = 3
    entry = published()
    for _ in range(3):
        client.post(reverse("blacklist:repair_apply"), apply_data(entry, key=credit_code(999)))
    response = client.post(reverse("blacklist:repair_apply"), apply_data(entry))
    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == ["尝试次数过多，请一小时后再试。"]


def test_status_lookup_by_query_code(client):
    """The query code shows the application's progress; a wrong code says so."""
    application_for(published(), query_code="PQRSTUVWXY23")
    response = client.post(reverse("blacklist:repair_status"), {"query_code": "pqrs tuvw xy23"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "待审核" in html and "2025-06-16" in html
    response = client.post(reverse("blacklist:repair_status"), {"query_code": "WRONGCODE234"})
    assert response.status_code == 404
    assert response.context["form"].errors == {"query_code": ["未找到该查询码对应的申请，请核对后重新输入。"]}


@pytest.mark.parametrize("count", [1, 8])
def test_repair_list_query_count_is_fixed(office_client, django_assert_num_queries, count):
    """The repair application list runs the same number of queries for 1 and for many."""
    for n in range(count):
        application_for(published(), query_code=f"CODE{n:08d}")
    with django_assert_num_queries(8):
        office_client.get(reverse("blacklist:repair_list"))


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("entry_list", []),
        ("entry_export", []),
        ("entry_create", []),
        ("entry_detail", [1]),
        ("import_upload", []),
        ("import_template", []),
        ("import_detail", [1]),
        ("import_status", [1]),
        ("import_errors", [1]),
        ("repair_list", []),
        ("repair_detail", [1]),
        ("repair_evidence", [1, 1]),
    ],
)
def test_staff_pages_send_anonymous_users_to_login(client, name, args):
    """Every staff page and download needs a login; the public sees none of them."""
    response = client.get(reverse(f"blacklist:{name}", args=args))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", ["entry_publish", "entry_remove", "entry_reveal"])
def test_staff_actions_send_anonymous_users_to_login(client, name):
    """Publishing, removing and revealing need a login."""
    entry = ListEntryFactory(subject=PersonFactory(id_number=FULL_ID))
    response = client.post(
        reverse(f"blacklist:{name}", args=[entry.pk]), {"remove-reason": "x", "reveal-reason": "核对身份"}
    )
    assert response.status_code == 302
    assert FULL_ID not in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "proposed"
