"""The report lifecycle and its rules, through the services every page and the API call."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports import services
from reports.models import Attachment, Contribution, IndicatorValue, MonthLock, Report, State
from reports.selectors import report_history
from tests.reports.conftest import FILLED, MARCH, PDF, PNG, TODAY, docx_bytes, ole2_doc_bytes, shanghai, upload

pytestmark = pytest.mark.django_db


# --- Opening -------------------------------------------------------------------------------------------


def test_open_creates_a_draft_with_its_due_date(reporter, campaign8):
    """A lead's reporter opens a draft for (campaign, month); due the 5th of the next month."""
    report = services.report_open(actor=reporter, campaign=campaign8, month=datetime.date(2026, 3, 17), today=TODAY)
    assert (report.campaign, report.agency.name, report.month) == (campaign8, "区人力社保局", MARCH)
    assert report.status == "draft"
    assert report.due_date == datetime.date(2026, 4, 5)
    record = report.history.get()
    assert (record.history_user, record.history_change_reason) == (reporter, "创建草稿")


def test_open_twice_is_refused(draft, reporter, campaign8):
    """The same (campaign, agency, month) cannot be opened twice; the message names the existing report."""
    with pytest.raises(ValidationError) as error:
        services.report_open(actor=reporter, campaign=campaign8, month=MARCH, today=TODAY)
    assert error.value.messages == [f"第 8 项2026年3月的报告已经存在（报告编号 {draft.pk}），请直接打开继续填写。"]
    assert Report.objects.count() == 1


def test_open_for_a_campaign_the_agency_does_not_lead_is_refused(reporter):
    """区人力社保局 leads 8 and 13, not 9: opening 9 is refused with a clear message."""
    from campaigns.models import Campaign

    with pytest.raises(ValidationError) as error:
        services.report_open(actor=reporter, campaign=Campaign.objects.get(number=9), month=MARCH, today=TODAY)
    assert error.value.message_dict == {
        "campaign": ["贵单位不是第 9 项“开展“不合理低价游”专项治理”的牵头单位，无需填报该项报告。"]
    }


def test_open_for_a_month_not_yet_begun_is_refused(reporter, campaign8):
    """Next month's report cannot be opened yet; this month's can."""
    with pytest.raises(ValidationError) as error:
        services.report_open(actor=reporter, campaign=campaign8, month=datetime.date(2026, 5, 1), today=TODAY)
    assert error.value.message_dict == {"month": ["2026年5月尚未开始，不能填报。"]}
    assert services.report_open(actor=reporter, campaign=campaign8, month=datetime.date(2026, 4, 1), today=TODAY)


def test_office_and_participants_cannot_open_reports(office_user, court_reporter, campaign8):
    """The office edits no report; a participating agency does not lead, so it owes none."""
    with pytest.raises(PermissionDenied, match="只有牵头单位的填报员可以填报月度报告。"):
        services.report_open(actor=office_user, campaign=campaign8, month=MARCH, today=TODAY)
    with pytest.raises(ValidationError, match="贵单位不是第 8 项"):
        services.report_open(actor=court_reporter, campaign=campaign8, month=MARCH, today=TODAY)


# --- Filling in ------------------------------------------------------------------------------------------


def test_update_saves_text_figures_and_indicators(draft, reporter, wage_indicators):
    """A draft takes the agency's text, figures and indicator values, and records who changed what."""
    workers, money = wage_indicators
    data = {**FILLED, "money_recovered": Decimal("12.50"), "indicators": {workers.pk: "35", money.pk: "8.5"}}
    report = services.report_update(actor=reporter, report=draft, data=data)
    assert (report.work_done, report.cases_handled, report.money_recovered) == (
        "开展欠薪专项检查 3 次。",
        4,
        Decimal("12.50"),
    )
    values = {v.indicator.name: v.value for v in IndicatorValue.objects.filter(report=report)}
    assert values == {"涉及农民工人数": Decimal(35), "追讨欠薪金额": Decimal("8.5")}
    assert report.history.latest().history_user == reporter


def test_update_with_one_bad_indicator_saves_nothing(draft, reporter, wage_indicators):
    """A value outside its bounds is refused next to its field, and nothing else is written either."""
    workers, money = wage_indicators
    data = {**FILLED, "indicators": {workers.pk: "6000", money.pk: "1"}}
    with pytest.raises(ValidationError) as error:
        services.report_update(actor=reporter, report=draft, data=data)
    assert error.value.message_dict == {f"indicator_{workers.pk}": ["“涉及农民工人数”不能大于 5000。"]}
    draft.refresh_from_db()
    assert draft.work_done == ""
    assert not IndicatorValue.objects.exists()


def test_update_refuses_an_indicator_of_another_campaign(draft, reporter, office_user, campaign13):
    """Only the report's own campaign's indicators can be filled in."""
    foreign = services.indicator_create(actor=office_user, campaign=campaign13, data={"name": "培训人次"})
    with pytest.raises(ValidationError) as error:
        services.report_update(actor=reporter, report=draft, data={"indicators": {foreign.pk: "3"}})
    assert error.value.message_dict == {"indicators": [f"指标 {foreign.pk} 不是本专项治理正在使用的考核指标。"]}


def test_update_clears_an_indicator_with_an_empty_value(draft, reporter, wage_indicators):
    """An empty value removes the indicator's value, and the history keeps the old one."""
    workers, _ = wage_indicators
    services.report_update(actor=reporter, report=draft, data={"indicators": {workers.pk: "7"}})
    services.report_update(actor=reporter, report=draft, data={"indicators": {workers.pk: ""}})
    assert not IndicatorValue.objects.exists()
    assert IndicatorValue.history.filter(history_type="-").get().value == Decimal(7)


def test_negative_figures_are_refused(draft, reporter):
    """Case counts cannot be negative."""
    with pytest.raises(ValidationError) as error:
        services.report_update(actor=reporter, report=draft, data={"cases_handled": -1})
    assert list(error.value.message_dict) == ["cases_handled"]


def test_another_agency_cannot_update(draft, ndrc_reporter, court_reporter, office_user):
    """Only the report's own agency changes it: not the other lead, a participant or the office."""
    for actor in (ndrc_reporter, court_reporter, office_user):
        with pytest.raises(PermissionDenied, match="只有区人力社保局的填报员可以修改此报告。"):
            services.report_update(actor=actor, report=draft, data={"work_done": "x"})


# --- Submitting, returning, accepting --------------------------------------------------------------------


def test_submit_needs_work_done_next_plan_and_required_indicators(draft, reporter, wage_indicators):
    """An incomplete report is not submitted; each missing item is named next to its field."""
    workers, _ = wage_indicators
    with pytest.raises(ValidationError) as error:
        services.report_submit(actor=reporter, report=draft)
    assert error.value.message_dict == {
        "work_done": ["提交前请填写本月工作进展。"],
        "next_plan": ["提交前请填写下步计划。"],
        f"indicator_{workers.pk}": ["提交前请填写“涉及农民工人数”。"],
    }
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_submit_on_the_due_day_at_235959_shanghai_is_on_time(filled, reporter):
    """Submitted at 23:59:59 on 5 April in Shanghai: on time."""
    report = services.report_submit(actor=reporter, report=filled, now=shanghai(2026, 4, 5, 23, 59, 59))
    assert report.status == "submitted"
    assert report.is_late is False
    assert report.state(datetime.date(2026, 4, 6)) == State.SUBMITTED


def test_submit_at_midnight_after_the_due_day_shanghai_is_late(filled, reporter):
    """Submitted at 00:00:00 on 6 April in Shanghai (16:00 UTC on the 5th): late."""
    report = services.report_submit(actor=reporter, report=filled, now=shanghai(2026, 4, 6, 0, 0, 0))
    assert report.is_late is True
    assert report.state(datetime.date(2026, 4, 6)) == State.LATE


def test_whole_lifecycle_draft_submit_return_resubmit_accept(filled, reporter, office_user):
    """draft → submitted → returned (with comment) → submitted again → accepted; lateness keeps the first submission."""
    first = shanghai(2026, 4, 3, 9, 0)
    report = services.report_submit(actor=reporter, report=filled, now=first)
    report = services.report_return(actor=office_user, report=report, comment="  请补充检查台账。 ")
    assert (report.status, report.review_comment, report.reviewed_by) == ("returned", "请补充检查台账。", office_user)
    report = services.report_update(actor=reporter, report=report, data={"problems": "部分企业拒不提供台账。"})
    again = shanghai(2026, 4, 9, 9, 0)
    report = services.report_submit(actor=reporter, report=report, now=again)
    assert (report.submitted_at, report.last_submitted_at, report.is_late) == (first, again, False)
    report = services.report_accept(actor=office_user, report=report)
    assert report.status == "accepted"
    reasons = list(report.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["创建草稿", "保存", "提交", "退回", "保存", "重新提交", "审核通过"]


def test_return_needs_a_comment(submitted, office_user):
    """The office must say what to change when it returns a report."""
    with pytest.raises(ValidationError) as error:
        services.report_return(actor=office_user, report=submitted, comment="   ")
    assert error.value.message_dict == {"comment": ["退回报告时必须填写审核意见，说明需要修改的内容。"]}
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_only_the_office_reviews_and_only_submitted_reports(submitted, draft, reporter, office_user):
    """Reporters cannot accept or return; the office cannot review a draft or review twice."""
    with pytest.raises(PermissionDenied, match="只有区文明办可以审核报告。"):
        services.report_accept(actor=reporter, report=submitted)
    with pytest.raises(PermissionDenied, match="只有区文明办可以审核报告。"):
        services.report_return(actor=reporter, report=submitted, comment="x")
    services.report_accept(actor=office_user, report=submitted)
    with pytest.raises(PermissionDenied, match="只能审核已提交的报告，此报告当前状态为“已通过”。"):
        services.report_accept(actor=office_user, report=submitted)


def test_submitted_and_accepted_reports_cannot_be_changed(submitted, reporter, office_user):
    """After submission the agency waits for review; after acceptance the report is final."""
    with pytest.raises(PermissionDenied, match="报告已提交，正在等待区文明办审核，不能修改。"):
        services.report_update(actor=reporter, report=submitted, data={"work_done": "x"})
    services.report_accept(actor=office_user, report=submitted)
    with pytest.raises(PermissionDenied, match="报告已通过审核，不能再修改。"):
        services.report_submit(actor=reporter, report=submitted)


def test_a_stale_copy_cannot_submit_twice(filled, reporter):
    """Two submissions from the same page (double click) leave one submission: the row is re-read locked."""
    services.report_submit(actor=reporter, report=filled, now=shanghai(2026, 4, 3, 9, 0))
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=reporter, report=filled, now=shanghai(2026, 4, 3, 9, 1))
    filled.refresh_from_db()
    assert filled.submitted_at == shanghai(2026, 4, 3, 9, 0)


# --- Month locks ------------------------------------------------------------------------------------------


def test_a_locked_month_refuses_opening_changing_and_submitting(filled, reporter, office_user, campaign13):
    """Once the office locks March, no agency can open, change or submit a March report."""
    services.month_lock(actor=office_user, month=MARCH, note="三月考核完成", today=TODAY)
    with pytest.raises(ValidationError, match="2026年3月已由区文明办锁定"):
        services.report_open(actor=reporter, campaign=campaign13, month=MARCH, today=TODAY)
    with pytest.raises(PermissionDenied, match="2026年3月已由区文明办锁定，如需修改请联系区文明办重新开放。"):
        services.report_update(actor=reporter, report=filled, data={"work_done": "x"})
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=reporter, report=filled)


def test_reopening_a_locked_month_for_one_agency(filled, reporter, ndrc_reporter, office_user, campaign8):
    """Reopened for 区人力社保局 only: it can submit, 区发展改革委 still cannot open."""
    lock = services.month_lock(actor=office_user, month=MARCH, today=TODAY)
    services.month_reopen(actor=office_user, lock=lock, agency=reporter.agency, reason="补报")
    assert services.report_submit(actor=reporter, report=filled).status == "submitted"
    with pytest.raises(ValidationError, match="已由区文明办锁定"):
        services.report_open(actor=ndrc_reporter, campaign=campaign8, month=MARCH, today=TODAY)


def test_a_month_can_be_locked_only_after_its_due_date(office_user):
    """Locking March on 5 April (its due day) is refused; on 6 April it works."""
    with pytest.raises(ValidationError) as error:
        services.month_lock(actor=office_user, month=MARCH, today=datetime.date(2026, 4, 5))
    assert error.value.message_dict == {"month": ["2026年3月的报告截止日期为 2026-04-05，截止后才能锁定。"]}
    services.month_lock(actor=office_user, month=MARCH, today=datetime.date(2026, 4, 6))
    assert MonthLock.objects.get().month == MARCH


def test_reopen_needs_a_reason_and_happens_once_per_agency(office_user, agency):
    """A reopening says why, and an agency is reopened at most once per lock."""
    lock = services.month_lock(actor=office_user, month=MARCH, today=TODAY)
    with pytest.raises(ValidationError) as error:
        services.month_reopen(actor=office_user, lock=lock, agency=agency, reason="")
    assert error.value.message_dict == {"reason": ["请说明重新开放的原因。"]}
    services.month_reopen(actor=office_user, lock=lock, agency=agency, reason="补报")
    with pytest.raises(ValidationError) as error:
        services.month_reopen(actor=office_user, lock=lock, agency=agency, reason="再次")
    assert error.value.message_dict == {"agency": ["2026年3月已为区人力社保局重新开放。"]}


def test_unlocking_reopens_the_month_for_everyone(filled, reporter, office_user):
    """Unlocking removes the lock and its reopenings; reports can change again."""
    lock = services.month_lock(actor=office_user, month=MARCH, today=TODAY)
    services.month_reopen(actor=office_user, lock=lock, agency=reporter.agency, reason="补报")
    services.month_unlock(actor=office_user, lock=lock)
    assert not MonthLock.objects.exists()
    assert services.report_update(actor=reporter, report=filled, data={"problems": "无"}).problems == "无"


def test_only_the_office_locks_months(reporter):
    """Reporters cannot lock months."""
    with pytest.raises(PermissionDenied, match="只有区文明办可以锁定月份。"):
        services.month_lock(actor=reporter, month=MARCH, today=TODAY)


# --- Contributions ----------------------------------------------------------------------------------------


def test_participating_agency_adds_and_edits_its_contribution(draft, court_reporter):
    """区人民法院 takes part in campaign 8 and writes its 协办情况 on the lead's report."""
    services.contribution_save(actor=court_reporter, report=draft, text="审结欠薪案件 5 件。")
    contribution = services.contribution_save(actor=court_reporter, report=draft, text="审结欠薪案件 6 件。")
    assert (contribution.agency.name, contribution.text) == ("区人民法院", "审结欠薪案件 6 件。")
    assert Contribution.objects.count() == 1
    assert contribution.history.count() == 2


def test_only_participating_agencies_contribute(draft, reporter, tourism_reporter, office_user):
    """The lead itself, an unrelated agency and the office cannot write a contribution."""
    for actor in (reporter, tourism_reporter, office_user):
        with pytest.raises(PermissionDenied, match="只有该专项治理的参与单位可以填写协办情况。"):
            services.contribution_save(actor=actor, report=draft, text="x")


def test_submitted_report_takes_no_contribution(submitted, court_reporter):
    """A submitted report is what the office reviews: no more contributions until it is returned."""
    with pytest.raises(PermissionDenied, match="报告已提交或所在月份已锁定"):
        services.contribution_save(actor=court_reporter, report=submitted, text="x")


def test_empty_contribution_is_refused(draft, court_reporter):
    """A contribution must say something."""
    with pytest.raises(ValidationError) as error:
        services.contribution_save(actor=court_reporter, report=draft, text="  ")
    assert error.value.message_dict == {"text": ["请填写协办情况。"]}


# --- Attachments ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("台账.pdf", PDF, "application/pdf"),
        ("汇报.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (
            "统计.xlsx",
            docx_bytes("xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("旧版.doc", ole2_doc_bytes(), "application/msword"),
        ("现场.PNG", PNG, "image/png"),
    ],
    ids=["pdf", "docx", "xlsx", "doc", "png"],
)
def test_accepted_attachment_types(draft, reporter, media_root, name, content, content_type):
    """PDF, Word, Excel and images are stored under MEDIA_ROOT with a random name and their real type."""
    attachment = services.attachment_add(actor=reporter, report=draft, upload=upload(name, content))
    assert (attachment.name, attachment.content_type, attachment.size) == (name, content_type, len(content))
    assert name not in attachment.file.name
    assert (media_root / attachment.file.name).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("假的.pdf", PNG, "文件“假的.pdf”的内容与扩展名 .pdf 不符，请上传真实的 PDF、Word、Excel 或图片文件。"),
        ("程序.pdf", b"MZ\x90\x00" + b"\x00" * 200, "文件“程序.pdf”的内容与扩展名 .pdf 不符"),
        ("表格.docx", docx_bytes("xl/workbook.xml"), "文件“表格.docx”的内容与扩展名 .docx 不符"),
        ("网页.xlsx", b"<html><script>alert(1)</script></html>", "文件“网页.xlsx”的内容与扩展名 .xlsx 不符"),
        ("旧版.xls", ole2_doc_bytes(), "文件“旧版.xls”的内容与扩展名 .xls 不符"),
        ("脚本.exe", b"MZ\x90\x00", "只能上传 PDF、Word、Excel 或图片文件"),
        ("网页.html", b"<html></html>", "只能上传 PDF、Word、Excel 或图片文件"),
        ("空.pdf", b"", "文件“空.pdf”是空文件。"),
    ],
    ids=["png-as-pdf", "exe-as-pdf", "xlsx-as-docx", "html-as-xlsx", "doc-as-xls", "exe", "html", "empty"],
)
def test_refused_attachments(draft, reporter, media_root, name, content, message):
    """A file whose content is not what its name says, or of another type, is refused and not stored."""
    with pytest.raises(ValidationError, match=message):
        services.attachment_add(actor=reporter, report=draft, upload=upload(name, content))
    assert not Attachment.objects.exists()
    assert not list(media_root.rglob("*.*"))


def test_attachment_limit_is_20_mb(draft, reporter, settings):
    """A file one byte over 20 MB is refused with the limit in the message; exactly 20 MB is accepted."""
    assert settings.REPORT_ATTACHMENT_MAX_BYTES == 20 * 1024 * 1024
    limit = settings.REPORT_ATTACHMENT_MAX_BYTES
    big = PDF + b"0" * (limit + 1 - len(PDF))
    with pytest.raises(ValidationError, match="文件“大.pdf”超过 20 MB，请压缩或拆分后再上传。"):
        services.attachment_add(actor=reporter, report=draft, upload=upload("大.pdf", big))
    services.attachment_add(actor=reporter, report=draft, upload=upload("刚好.pdf", big[:limit]))
    assert Attachment.objects.get().size == limit


def test_file_name_from_the_client_loses_its_directories(draft, reporter):
    """A name like ../../etc/x.pdf keeps only its last part."""
    attachment = services.attachment_add(actor=reporter, report=draft, upload=upload("..\\..\\etc/x.pdf", PDF))
    assert attachment.name == "x.pdf"


def test_deleting_an_attachment_removes_the_file_and_keeps_the_record(
    draft, reporter, media_root, django_capture_on_commit_callbacks
):
    """A removed attachment leaves the disk; the history still says who uploaded and removed it."""
    attachment = services.attachment_add(actor=reporter, report=draft, upload=upload("台账.pdf", PDF))
    path = media_root / attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(actor=reporter, attachment=attachment)
    assert not path.exists()
    assert list(Attachment.history.values_list("history_type", "name", "history_user__username")) == [
        ("-", "台账.pdf", "reporter1"),
        ("+", "台账.pdf", "reporter1"),
    ]


def test_only_the_leads_reporters_attach_files(draft, court_reporter, office_user):
    """A participant or the office cannot attach files to the lead's report."""
    for actor in (court_reporter, office_user):
        with pytest.raises(PermissionDenied, match="只有区人力社保局的填报员可以修改此报告。"):
            services.attachment_add(actor=actor, report=draft, upload=upload("a.pdf", PDF))


def test_no_attachment_to_a_submitted_report(submitted, reporter):
    """A submitted report takes no new files."""
    with pytest.raises(PermissionDenied, match="报告已提交"):
        services.attachment_add(actor=reporter, report=submitted, upload=upload("a.pdf", PDF))


# --- History ------------------------------------------------------------------------------------------------


def test_history_lists_who_changed_what_with_old_and_new_values(filled, reporter, office_user, wage_indicators):
    """The history shows every change: who, what, old and new values, including indicators and files."""
    workers, _ = wage_indicators
    services.report_update(actor=reporter, report=filled, data={"problems": "个别企业不配合。"})
    services.report_update(actor=reporter, report=filled, data={"indicators": {workers.pk: "35"}})
    services.attachment_add(actor=reporter, report=filled, upload=upload("台账.pdf", PDF))
    report = services.report_submit(actor=reporter, report=filled, now=shanghai(2026, 4, 3, 9, 0))
    services.report_return(actor=office_user, report=report, comment="请补充。")
    entries = report_history(report)
    newest = entries[0]
    assert (newest.user, newest.subject, newest.action) == ("office1", "报告", "退回")
    changes = {c.label: (c.old, c.new) for c in newest.changes}
    assert changes["状态"] == ("已提交", "已退回")
    assert changes["审核意见"] == ("", "请补充。")
    assert changes["审核人"] == ("", "office1")
    problems = next(e for e in entries if any(c.label == "存在问题" for c in e.changes))
    assert (problems.user, [(c.old, c.new) for c in problems.changes]) == ("reporter1", [("无", "个别企业不配合。")])
    indicator = next(e for e in entries if e.subject == "指标“涉及农民工人数”")
    assert [(c.label, c.old, c.new) for c in indicator.changes] == [("数值", "", "35")]
    attachment = next(e for e in entries if e.subject == "附件“台账.pdf”")
    assert attachment.action == "上传附件"
