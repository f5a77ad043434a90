"""Lifecycle of list entries (section 五.1), subjects, ID reveal, expiry and credit repair (五.3)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from agencies.models import Agency
from blacklist import services
from blacklist.crypto import id_number_hash
from blacklist.models import CreditSubject, IdRevealLog, ListEntry, PublicityPeriod, RepairApplication
from blacklist.services import EntryInput
from campaigns.models import Campaign
from tests.factories import ListEntryFactory, PersonFactory, UserFactory, credit_code, id_number

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 2)


def entry_input(**values) -> EntryInput:
    defaults = {
        "list": "black",
        "subject_type": "legal_person",
        "name": "天津某建筑劳务有限公司",
        "credit_code": credit_code(501),
        "campaign": Campaign.objects.get(number=8),
        "severity": "general",
        "reason": "拖欠农民工工资",
        "basis": "《保障农民工工资支付条例》",
        "deciding_agency": Agency.objects.get(name="区人力社保局"),
        "decision_number": "西青人社罚〔2025〕7号",
        "decision_date": datetime.date(2025, 5, 20),
        "publish_until": datetime.date(2026, 5, 20),
    }
    defaults.update(values)
    return EntryInput(**defaults)


def messages(error: ValidationError) -> dict:
    return error.message_dict


# --- Proposing ----------------------------------------------------------------------------------


def test_reporter_proposes_for_own_agency_and_entry_starts_proposed(reporter):
    """An agency's proposal is saved as proposed, with the proposer and a history record."""
    entry = services.entry_propose(actor=reporter, data=entry_input(), today=TODAY)
    assert entry.status == ListEntry.Status.PROPOSED
    assert entry.proposed_by == reporter
    assert entry.proposed_by_agency.name == "区人力社保局"
    assert entry.publish_from is None
    assert entry.history.count() == 1
    assert entry.history.first().history_change_reason == "提出"


def test_office_proposal_also_starts_proposed(office_user):
    """Every new entry starts proposed, even when the office creates it."""
    entry = services.entry_propose(actor=office_user, data=entry_input(), today=TODAY)
    assert entry.status == ListEntry.Status.PROPOSED


def test_reporter_cannot_propose_for_another_agency(reporter):
    """An agency proposes only with itself as the deciding agency."""
    other = Agency.objects.get(name="区市场监管局")
    with pytest.raises(PermissionDenied):
        services.entry_propose(actor=reporter, data=entry_input(deciding_agency=other), today=TODAY)
    assert ListEntry.objects.count() == 0


def test_person_subject_stores_id_encrypted_only(reporter):
    """A person's ID is stored encrypted with a keyed hash and a masked form; no column holds it."""
    number = id_number(77)
    entry = services.entry_propose(
        actor=reporter,
        data=entry_input(subject_type="person", name="张三", credit_code="", id_number=number.lower()),
        today=TODAY,
    )
    subject = entry.subject
    assert subject.id_number_masked == number[:10] + "****" + number[14:]
    assert subject.id_number_hash == id_number_hash(number)
    assert subject.reveal_id_number() == number
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM blacklist_creditsubject")
        dump = repr(cursor.fetchall())
        cursor.execute("SELECT * FROM blacklist_historicalcreditsubject")
        dump += repr(cursor.fetchall())
    assert number not in dump
    assert number[:10] + "****" + number[14:] in dump


def test_same_code_resolves_to_same_subject(reporter):
    """Two entries with one credit code share one subject."""
    first = services.entry_propose(actor=reporter, data=entry_input(), today=TODAY)
    second = services.entry_propose(
        actor=reporter, data=entry_input(decision_number="西青人社罚〔2025〕8号"), today=TODAY
    )
    assert first.subject_id == second.subject_id
    assert CreditSubject.objects.count() == 1


def test_same_id_resolves_to_same_subject(reporter):
    """Two entries with one ID number (any letter case) share one subject."""
    number = "11010519491231002X"
    person = {"subject_type": "person", "name": "李四", "credit_code": ""}
    first = services.entry_propose(actor=reporter, data=entry_input(**person, id_number=number), today=TODAY)
    second = services.entry_propose(
        actor=reporter,
        data=entry_input(**person, id_number=number.lower(), decision_number="另一文书号"),
        today=TODAY,
    )
    assert first.subject_id == second.subject_id


def test_code_registered_under_another_name_is_refused(reporter):
    """A known code with a different name is refused, naming the registered name."""
    services.entry_propose(actor=reporter, data=entry_input(), today=TODAY)
    with pytest.raises(ValidationError) as error:
        services.entry_propose(actor=reporter, data=entry_input(name="别的公司", decision_number="X-2"), today=TODAY)
    assert messages(error.value) == {
        "credit_code": ["该统一社会信用代码已登记为“天津某建筑劳务有限公司”，与填写的主体名称不一致。"]
    }


def test_bad_check_digit_is_refused_with_position(reporter):
    """A credit code with a wrong check digit is refused with the right character named."""
    with pytest.raises(ValidationError) as error:
        services.entry_propose(actor=reporter, data=entry_input(credit_code="91350100M000100Y4Z"), today=TODAY)
    assert messages(error.value) == {"credit_code": ["统一社会信用代码第18位校验位应为3，而不是Z。"]}


def test_person_needs_id_and_organisation_needs_code(reporter):
    """A person is keyed by the ID number, an organisation by the credit code."""
    with pytest.raises(ValidationError) as error:
        services.entry_propose(actor=reporter, data=entry_input(subject_type="person"), today=TODAY)
    assert messages(error.value) == {
        "credit_code": ["自然人不填写统一社会信用代码，请填写身份证号码。"],
        "id_number": ["自然人必须填写身份证号码。"],
    }
    with pytest.raises(ValidationError) as error:
        services.entry_propose(actor=reporter, data=entry_input(credit_code=""), today=TODAY)
    assert messages(error.value) == {"credit_code": ["法人、非法人组织和个体工商户必须填写统一社会信用代码。"]}


def test_severity_only_on_black_list(reporter):
    """A black entry needs a severity; a red entry must not have one."""
    with pytest.raises(ValidationError) as error:
        services.entry_propose(actor=reporter, data=entry_input(severity=""), today=TODAY)
    assert messages(error.value) == {"severity": ["黑名单必须选择失信等级（轻微、一般、较重、严重）。"]}
    with pytest.raises(ValidationError) as error:
        services.entry_propose(actor=reporter, data=entry_input(list="red"), today=TODAY)
    assert messages(error.value) == {"severity": ["红名单不填写失信等级。"]}


@pytest.mark.parametrize(
    ("severity", "until", "message"),
    [
        ("general", "2025-08-19", "一般失信的公示截止日期应在2025-08-20至2026-05-20之间（自决定日期起3至12个月）。"),
        ("general", "2026-05-21", "一般失信的公示截止日期应在2025-08-20至2026-05-20之间（自决定日期起3至12个月）。"),
        ("serious", "2025-11-19", "较重失信的公示截止日期应在2025-11-20至2027-05-20之间（自决定日期起6至24个月）。"),
        ("severe", "2028-05-21", "严重失信的公示截止日期应在2026-05-20至2028-05-20之间（自决定日期起12至36个月）。"),
        ("minor", "2025-08-20", "轻微失信信息依规不予公示，公示截止日期应留空。"),
    ],
)
def test_publicity_end_outside_range_is_refused_with_range(reporter, severity, until, message):
    """The publicity end must lie in the severity's range from the decision date; the message gives it."""
    data = entry_input(severity=severity, publish_until=datetime.date.fromisoformat(until))
    with pytest.raises(ValidationError) as error:
        services.entry_propose(actor=reporter, data=data, today=TODAY)
    assert messages(error.value) == {"publish_until": [message]}


@pytest.mark.parametrize(
    ("severity", "until"),
    [("general", "2025-08-20"), ("general", "2026-05-20"), ("serious", "2027-05-20"), ("severe", "2026-05-20")],
)
def test_publicity_end_at_range_bounds_is_accepted(reporter, severity, until):
    """Both ends of the range are allowed."""
    data = entry_input(severity=severity, publish_until=datetime.date.fromisoformat(until))
    assert services.entry_propose(actor=reporter, data=data, today=TODAY).status == "proposed"


def test_minor_entry_is_recorded_without_publicity_end(reporter):
    """A 轻微 entry is kept as a record with no publicity end."""
    entry = services.entry_propose(actor=reporter, data=entry_input(severity="minor", publish_until=None), today=TODAY)
    assert entry.publish_until is None


def test_publicity_periods_are_admin_settings(reporter):
    """Changing the PublicityPeriod row changes the allowed range."""
    PublicityPeriod.objects.filter(list="black", severity="general").update(min_months=1, max_months=2)
    with pytest.raises(ValidationError) as error:
        services.entry_propose(actor=reporter, data=entry_input(), today=TODAY)
    assert messages(error.value) == {
        "publish_until": ["一般失信的公示截止日期应在2025-06-20至2025-07-20之间（自决定日期起1至2个月）。"]
    }


def test_decision_date_in_future_is_refused(reporter):
    """A decision cannot be dated after today."""
    data = entry_input(decision_date=datetime.date(2025, 6, 3), publish_until=datetime.date(2026, 6, 3))
    with pytest.raises(ValidationError) as error:
        services.entry_propose(actor=reporter, data=data, today=TODAY)
    assert messages(error.value) == {"decision_date": ["决定日期不能晚于今天（2025-06-02）。"]}


def test_duplicate_decision_is_refused(reporter):
    """The same subject, list, agency and decision number cannot be proposed twice."""
    services.entry_propose(actor=reporter, data=entry_input(), today=TODAY)
    with pytest.raises(ValidationError) as error:
        services.entry_propose(actor=reporter, data=entry_input(), today=TODAY)
    assert error.value.messages == ["该主体已有同一认定部门、同一决定文书号的名单条目。"]
    assert ListEntry.objects.count() == 1


# --- Publishing, removing, expiring -------------------------------------------------------------


def test_office_publishes_proposed_entry(office_user):
    """The office publishes: the entry is public from today until its publicity end."""
    entry = ListEntryFactory()
    services.entry_publish(actor=office_user, entry=entry, today=TODAY)
    entry.refresh_from_db()
    assert entry.status == "published"
    assert entry.publish_from == TODAY
    assert entry.published_by == office_user
    assert list(ListEntry.objects.public(TODAY)) == [entry]
    assert entry.history.first().history_change_reason == "发布"


def test_reporter_cannot_publish_or_remove(reporter):
    """Only the office publishes and removes."""
    entry = ListEntryFactory()
    with pytest.raises(PermissionDenied):
        services.entry_publish(actor=reporter, entry=entry, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.entry_remove(actor=reporter, entry=entry, reason="误报")
    entry.refresh_from_db()
    assert entry.status == "proposed"


def test_minor_entry_cannot_be_published(office_user):
    """轻微 entries are not published."""
    entry = ListEntryFactory(severity="minor", publish_until=None)
    with pytest.raises(ValidationError) as error:
        services.entry_publish(actor=office_user, entry=entry, today=TODAY)
    assert error.value.messages == ["轻微失信信息依规不予公示，只作为信用记录保存。"]


def test_entry_past_publicity_end_cannot_be_published(office_user):
    """An entry whose publicity already ended is not published."""
    entry = ListEntryFactory(publish_until=datetime.date(2025, 6, 1))
    with pytest.raises(ValidationError) as error:
        services.entry_publish(actor=office_user, entry=entry, today=TODAY)
    assert error.value.messages == ["公示截止日期（2025-06-01）已过，不能发布。"]


def test_published_entry_cannot_be_published_again(office_user):
    """Publishing is a step from proposed only."""
    entry = ListEntryFactory(status="published", publish_from=TODAY)
    with pytest.raises(ValidationError) as error:
        services.entry_publish(actor=office_user, entry=entry, today=TODAY)
    assert error.value.messages == ["只能发布待发布的条目，该条目当前状态为“已发布”。"]


def test_office_removes_with_reason(office_user):
    """Removal needs a reason, leaves the public list and stays in the records with its history."""
    entry = ListEntryFactory(status="published", publish_from=TODAY)
    with pytest.raises(ValidationError) as error:
        services.entry_remove(actor=office_user, entry=entry, reason="  ")
    assert messages(error.value) == {"reason": ["请填写移出原因。"]}
    services.entry_remove(actor=office_user, entry=entry, reason="法院撤销处罚决定")
    entry.refresh_from_db()
    assert entry.status == "removed"
    assert entry.removal_reason == "法院撤销处罚决定"
    assert entry.removed_at is not None
    assert not ListEntry.objects.public(TODAY).exists()
    assert entry.history.first().history_change_reason == "移出：法院撤销处罚决定"


def test_removed_entry_cannot_be_removed_again(office_user):
    """Removal is a step from proposed or published only."""
    entry = ListEntryFactory()
    services.entry_remove(actor=office_user, entry=entry, reason="误报")
    with pytest.raises(ValidationError) as error:
        services.entry_remove(actor=office_user, entry=entry, reason="再次")
    assert error.value.messages == ["该条目当前状态为“已移出”，不能移出。"]


def test_expiry_takes_entries_off_public_list_at_end_of_publicity():
    """The day after the publicity end, the entry expires and its history says why."""
    entry = ListEntryFactory(status="published", publish_from=datetime.date(2025, 1, 11))
    assert services.list_entries_expire(today=datetime.date(2025, 10, 10)) == 0
    assert ListEntry.objects.public(datetime.date(2025, 10, 10)).exists()
    assert not ListEntry.objects.public(datetime.date(2025, 10, 11)).exists()
    assert services.list_entries_expire(today=datetime.date(2025, 10, 11)) == 1
    entry.refresh_from_db()
    assert entry.status == "expired"
    assert entry.history.first().history_change_reason == "公示期满（截止2025-10-10），自动移出公示"


def test_history_shows_old_and_new_values(office_user):
    """The entry's history names who changed what from what to what."""
    from blacklist.selectors import entry_history

    entry = ListEntryFactory()
    services.entry_publish(actor=office_user, entry=entry, today=TODAY)
    latest = entry_history(entry)[0]
    assert latest["reason"] == "发布"
    assert {"field": "状态", "old": "待发布", "new": "已发布"} in latest["changes"]


# --- Revealing an ID number ---------------------------------------------------------------------


def test_reveal_id_requires_reason_and_is_logged(office_user):
    """Seeing the full ID needs a reason; every reveal is recorded with who and why."""
    entry = ListEntryFactory(subject=PersonFactory(id_number="11010519491231002X"))
    with pytest.raises(ValidationError):
        services.subject_reveal_id(actor=office_user, entry=entry, reason="看")
    assert IdRevealLog.objects.count() == 0
    number = services.subject_reveal_id(actor=office_user, entry=entry, reason="核对身份信息", ip_address="10.0.0.8")
    assert number == "11010519491231002X"
    log = IdRevealLog.objects.get()
    assert (log.user, log.reason, log.ip_address, log.subject) == (
        office_user,
        "核对身份信息",
        "10.0.0.8",
        entry.subject,
    )


def test_agency_cannot_reveal_id_of_other_agencies_entry(agency):
    """An agency sees only entries it proposed or decided, so it cannot reveal others' IDs."""
    other = UserFactory(agency=Agency.objects.get(name="区市场监管局"), role="reporter")
    entry = ListEntryFactory(subject=PersonFactory())
    with pytest.raises(PermissionDenied):
        services.subject_reveal_id(actor=other, entry=entry, reason="核对身份信息")


# --- Credit repair --------------------------------------------------------------------------------


def published(**values) -> ListEntry:
    values.setdefault("status", "published")
    values.setdefault("publish_from", datetime.date(2025, 1, 11))
    return ListEntryFactory(**values)


def apply(entry, today, **values):
    defaults = {
        "grounds": ["corrected", "volunteer"],
        "statement": "已足额支付拖欠工资并参加志愿服务40小时。",
        "commitment_signed_by": "王五",
        "applicant_name": "王五",
        "contact_phone": "13800000000",
        "contact_email": "wangwu@example.com",
    }
    defaults.update(values)
    return services.repair_apply(entry=entry, today=today, **defaults)


def test_repair_before_minimum_publicity_is_refused_with_date():
    """Repair is accepted only after the minimum publicity period, and the message says from when."""
    entry = published()
    with pytest.raises(ValidationError) as error:
        apply(entry, datetime.date(2025, 4, 9))
    assert error.value.messages == ["最短公示期（3个月）未满，自2025-04-10起方可申请信用修复。"]
    assert RepairApplication.objects.count() == 0


def test_repair_after_minimum_gets_query_code_and_due_date():
    """An application on the first allowed day gets a query code and a due date 10 working days on."""
    entry = published()
    application = apply(entry, datetime.date(2025, 4, 10))  # a Thursday
    assert application.status == "submitted"
    assert len(application.query_code) == 12
    assert application.due_date == datetime.date(2025, 4, 24)  # two weekends skipped
    assert application.commitment == services.COMMITMENT_TEXT


def test_repair_due_date_skips_configured_holidays(settings):
    """Public holidays listed in REPAIR_HOLIDAYS do not count as working days."""
    settings.REPAIR_HOLIDAYS = ["2025-04-11", "2025-04-14"]
    application = apply(published(), datetime.date(2025, 4, 10))
    assert application.due_date == datetime.date(2025, 4, 28)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"list": "red", "severity": ""}, "红名单条目无需信用修复。"),
        ({"status": "proposed", "publish_from": None}, "该条目当前状态为“待发布”，不在公示中，无需申请信用修复。"),
    ],
)
def test_repair_only_for_published_black_entries(values, message):
    """Only a published black-list entry can be repaired."""
    entry = published(**values)
    with pytest.raises(ValidationError) as error:
        apply(entry, TODAY)
    assert error.value.messages == [message]


def test_second_open_application_is_refused():
    """One open application per entry at a time."""
    entry = published()
    apply(entry, TODAY)
    with pytest.raises(ValidationError) as error:
        apply(entry, TODAY)
    assert error.value.messages == ["该条目已有一份待审核的信用修复申请，请用查询码查询办理进度。"]


def test_repair_needs_grounds():
    """At least one ground of section 五.3 must be chosen."""
    with pytest.raises(ValidationError) as error:
        apply(published(), TODAY, grounds=[])
    assert messages(error.value) == {"grounds": ["请至少选择一项修复理由。"]}


def test_evidence_must_be_pdf_or_image():
    """Evidence files are checked by content, not by name."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        apply(published(), TODAY, evidence=[fake])
    assert messages(error.value) == {"evidence": ["“证明.pdf”不是PDF、JPG或PNG文件。"]}


def test_office_approves_and_entry_leaves_public_list_at_once(
    office_user, mailoutbox, django_capture_on_commit_callbacks
):
    """Approval marks the entry repaired at once; it stays in the records; the applicant is told."""
    entry = published()
    application = apply(entry, TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.repair_decide(actor=office_user, application=application, approve=True, reason="已纠正失信行为")
    entry.refresh_from_db()
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.decided_by == office_user
    assert entry.status == "repaired"
    assert entry.repaired_at is not None
    assert not ListEntry.objects.public(TODAY).exists()
    assert ListEntry.objects.filter(pk=entry.pk).exists()
    assert len(mailoutbox) == 1
    assert "已准予修复" in mailoutbox[0].subject


def test_rejection_keeps_entry_published(office_user):
    """A rejected application leaves the entry on the public list."""
    entry = published()
    application = apply(entry, TODAY)
    services.repair_decide(actor=office_user, application=application, approve=False, reason="材料不全")
    entry.refresh_from_db()
    assert entry.status == "published"
    assert RepairApplication.objects.get().status == "rejected"


def test_deciding_agency_may_decide_other_agency_may_not(reporter):
    """The deciding agency decides the repair; another agency gets PermissionDenied."""
    application = apply(published(), TODAY)
    other = UserFactory(agency=Agency.objects.get(name="区市场监管局"), role="reporter")
    with pytest.raises(PermissionDenied):
        services.repair_decide(actor=other, application=application, approve=True, reason="同意")
    services.repair_decide(actor=reporter, application=application, approve=True, reason="同意")
    assert RepairApplication.objects.get().status == "approved"


def test_decision_needs_reason_and_happens_once(office_user):
    """A decision needs a reason and cannot be made twice."""
    application = apply(published(), TODAY)
    with pytest.raises(ValidationError) as error:
        services.repair_decide(actor=office_user, application=application, approve=True, reason="")
    assert messages(error.value) == {"reason": ["请填写决定理由。"]}
    services.repair_decide(actor=office_user, application=application, approve=False, reason="材料不全")
    with pytest.raises(ValidationError):
        services.repair_decide(actor=office_user, application=application, approve=True, reason="同意")
