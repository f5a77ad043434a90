"""The report pages as their users see them, and their pinned SQL query counts."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from agencies.models import Agency
from campaigns.models import Campaign, CampaignLead
from reports import services
from reports.models import Attachment, Contribution, Indicator, IndicatorValue, MonthLock, Report, due_date_for
from reports.selectors import default_task_month
from tests.reports.conftest import FILLED, MARCH, PDF, PNG, TODAY, shanghai, upload

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def bulk_reports(agency, months, *, status="draft", campaigns=None, **fields):
    """Many reports at once (no history): for query-count tests only."""
    campaigns = campaigns or [link.campaign for link in CampaignLead.objects.filter(agency=agency)]
    reports = [
        Report(campaign=c, agency=agency, month=m, due_date=due_date_for(m), status=status, **fields)
        for m in months
        for c in campaigns
    ]
    return Report.objects.bulk_create(reports)


def months_back(start: datetime.date, count: int) -> list[datetime.date]:
    months = [start]
    for _ in range(count - 1):
        months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))
    return months


# --- My tasks ------------------------------------------------------------------------------------------------


def test_my_tasks_lists_every_owed_report_with_state_and_due_date(reporter_client, returned, reporter, campaign13):
    """March: campaign 8 returned with the comment; campaign 13 not started and overdue, with a start button."""
    response = reporter_client.get(reverse("reports:my_tasks"), {"month": "2026-03"})
    assert response.status_code == 200
    tasks = response.context["tasks"]
    assert [(t.campaign.number, t.status_label, t.state.value, t.due_date) for t in tasks] == [
        (8, "已退回", "returned", datetime.date(2026, 4, 5)),
        (13, "未开始", "overdue", datetime.date(2026, 4, 5)),
    ]
    page = html(response)
    assert "请补充检查台账。" in page
    assert "修改后重新提交" in page
    assert "开始填报" in page
    assert "截止日期：2026年4月5日" in page
    assert "agencies/_pending_orders.html" in [t.name for t in response.templates]


def test_my_tasks_defaults_to_last_month_and_shows_other_months_waiting(reporter_client, returned):
    """Without ?month= the page shows last month; a returned report of another month is listed below."""
    response = reporter_client.get(reverse("reports:my_tasks"))
    assert response.context["month"] == default_task_month(timezone.localdate())
    assert [r.pk for r in response.context["outstanding"]] == [returned.pk]


def test_my_tasks_shows_reports_to_contribute_to(client, draft, court_reporter):
    """A participating agency sees the lead's reports it can add its 协办情况 to."""
    client.force_login(court_reporter)
    response = client.get(reverse("reports:my_tasks"), {"month": "2026-03"})
    assert [(r.pk, c) for r, c in response.context["contribution_requests"]] == [(draft.pk, None)]
    assert "需协办的报告" in html(response)


def test_office_is_sent_from_my_tasks_to_the_review_queue(office_client):
    """The office has no tasks of its own: /reports/ goes to the review queue."""
    response = office_client.get(reverse("reports:my_tasks"))
    assert (response.status_code, response["Location"]) == (302, reverse("reports:review_queue"))


def test_my_tasks_query_count_does_not_grow(client, ndrc_reporter, django_assert_num_queries):
    """My tasks costs the same with one report in each list as with 25 campaigns, 50 waiting and many to join.

    Pinned exactly: 12 of this page's own, the pending-orders panel and the header's unread COUNT.
    """
    client.force_login(ndrc_reporter)
    url = reverse("reports:my_tasks") + "?month=2026-03"
    ndrc, enforcement = ndrc_reporter.agency, Agency.objects.get(name="区综合执法局")
    campaign1, campaign5 = Campaign.objects.get(number=1), Campaign.objects.get(number=5)
    bulk_reports(ndrc, [MARCH, datetime.date(2026, 2, 1)], campaigns=[campaign1])
    bulk_reports(enforcement, [MARCH], campaigns=[campaign5])  # 区发展改革委 takes part in campaign 5
    with django_assert_num_queries(14):
        response = client.get(url)
    assert (len(response.context["outstanding"]), len(response.context["contribution_requests"])) == (1, 1)
    others = [link.campaign for link in CampaignLead.objects.filter(agency=ndrc).exclude(campaign=campaign1)]
    bulk_reports(ndrc, months_back(MARCH, 3), campaigns=others)
    bulk_reports(Agency.objects.get(name="区规划分局"), [MARCH], campaigns=[campaign5])
    with django_assert_num_queries(14):
        response = client.get(url)
    assert len(response.context["tasks"]) == 25
    assert len(response.context["outstanding"]) == 1 + 2 * 24  # 49: just under the cap of 50
    assert [r.agency.name for r, _ in response.context["contribution_requests"]] == ["区综合执法局", "区规划分局"]


def test_other_months_waiting_are_capped_at_50_oldest_first(client, ndrc_reporter):
    """With 75 drafts in earlier months, my tasks lists the oldest 50 and links to the rest."""
    client.force_login(ndrc_reporter)
    bulk_reports(ndrc_reporter.agency, months_back(datetime.date(2026, 2, 1), 3))
    response = client.get(reverse("reports:my_tasks"), {"month": "2026-03"})
    outstanding = response.context["outstanding"]
    assert len(outstanding) == 50
    assert f"{outstanding[0].month:%Y-%m}" == "2025-12"
    assert "只列出最早的 50 份" in html(response)


# --- Starting and filling in a report -----------------------------------------------------------------------------


def test_start_a_report_from_my_tasks(reporter_client, campaign8):
    """ "开始填报" opens the draft and goes to its form; a second time says it already exists."""
    response = reporter_client.post(reverse("reports:new"), {"campaign": 8, "month": "2026-03"})
    report = Report.objects.get()
    assert response["Location"] == reverse("reports:edit", args=[report.pk])
    response = reporter_client.post(reverse("reports:new"), {"campaign": 8, "month": "2026-03"}, follow=True)
    assert f"第 8 项2026年3月的报告已经存在（报告编号 {report.pk}），请直接打开继续填写。" in html(response)
    assert Report.objects.count() == 1


def test_start_refuses_a_campaign_not_led(reporter_client):
    """Starting campaign 9 (not led by 区人力社保局) shows the reason and creates nothing."""
    response = reporter_client.post(reverse("reports:new"), {"campaign": 9, "month": "2026-03"}, follow=True)
    assert "贵单位不是第 9 项" in html(response)
    assert not Report.objects.exists()


def test_form_shows_errors_next_to_the_fields_and_saves_nothing(reporter_client, draft, wage_indicators):
    """Submitting an incomplete form: each error in Chinese under its field, and the draft stays as it was."""
    workers, money = wage_indicators
    data = {"work_done": "", "problems": "无", "next_plan": "", "cases_handled": "2", "entries_listed": "0"}
    data |= {"publicity_events": "0", "money_recovered": "0", f"indicator_{workers.pk}": "9000", "submit": "1"}
    response = reporter_client.post(reverse("reports:edit", args=[draft.pk]), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[f"indicator_{workers.pk}"] == ["“涉及农民工人数”不能大于 5000。"]
    page = html(response)
    assert f'id="id_indicator_{workers.pk}_errors"' in page
    assert "报告未保存：请按各栏下方的红字修改后再保存或提交。" in page
    draft.refresh_from_db()
    assert (draft.status, draft.problems, draft.cases_handled) == ("draft", "", 0)


def test_submit_from_the_form_reports_missing_text_next_to_the_field(reporter_client, draft):
    """Save-and-submit without work done: the draft is not changed and the message sits under 工作进展."""
    data = {"work_done": "", "problems": "", "next_plan": "下月计划", "cases_handled": "0", "entries_listed": "0"}
    data |= {"publicity_events": "0", "money_recovered": "0", "submit": "1"}
    response = reporter_client.post(reverse("reports:edit", args=[draft.pk]), data)
    assert response.context["form"].errors["work_done"] == ["提交前请填写本月工作进展。"]
    error = '<div id="id_work_done_errors"><div class="invalid-feedback d-block">提交前请填写本月工作进展。'
    assert error in html(response)
    draft.refresh_from_db()
    assert draft.next_plan == ""


def test_bad_number_is_refused_in_chinese(reporter_client, draft, wage_indicators):
    """Text in a number field is refused next to it, in Chinese."""
    workers, _ = wage_indicators
    data = {**FILLED, "entries_listed": "0", "publicity_events": "0", "money_recovered": "0"}
    data |= {f"indicator_{workers.pk}": "三十", "save": "1"}
    response = reporter_client.post(reverse("reports:edit", args=[draft.pk]), data)
    assert response.context["form"].errors[f"indicator_{workers.pk}"] == ["“涉及农民工人数”应填写整数。"]


def test_save_draft_then_submit(reporter_client, draft, wage_indicators):
    """Saving keeps the draft; save-and-submit submits it and shows it as submitted."""
    workers, _ = wage_indicators
    data = {**FILLED, "entries_listed": "1", "publicity_events": "2", "money_recovered": "3.5"}
    data[f"indicator_{workers.pk}"] = "40"
    response = reporter_client.post(reverse("reports:edit", args=[draft.pk]), {**data, "save": "1"})
    assert response["Location"] == reverse("reports:edit", args=[draft.pk])
    draft.refresh_from_db()
    assert (draft.status, draft.publicity_events) == ("draft", 2)
    response = reporter_client.post(reverse("reports:edit", args=[draft.pk]), {**data, "submit": "1"}, follow=True)
    assert "报告已提交，请等待区文明办审核。" in html(response)
    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert IndicatorValue.objects.get(report=draft).value == 40


def test_edit_page_query_count(reporter_client, draft, reporter, wage_indicators, django_assert_num_queries):
    """The form page costs the same with no attachments as with several."""
    url = reverse("reports:edit", args=[draft.pk])
    services.attachment_add(actor=reporter, report=draft, upload=upload("0.pdf", PDF))
    with django_assert_num_queries(12):
        reporter_client.get(url)
    for n in range(1, 4):
        services.attachment_add(actor=reporter, report=draft, upload=upload(f"{n}.pdf", PDF))
    with django_assert_num_queries(12):
        reporter_client.get(url)


# --- Attachments ----------------------------------------------------------------------------------------------


def _form_data(**extra):
    return {**FILLED, "entries_listed": "0", "publicity_events": "0", "money_recovered": "0", **extra}


def test_upload_with_the_draft_and_download_it(reporter_client, draft):
    """A PDF chosen in the form is saved with the draft, listed, and downloads with its name, type and content."""
    url = reverse("reports:edit", args=[draft.pk])
    response = reporter_client.post(url, _form_data(file=upload("三月台账.pdf", PDF), save="1"), follow=True)
    assert "草稿已保存，附件“三月台账.pdf”已上传。" in html(response)
    attachment = Attachment.objects.get()
    download = reporter_client.get(reverse("reports:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == "attachment; filename*=utf-8''%E4%B8%89%E6%9C%88%E5%8F%B0%E8%B4%A6.pdf"
    assert b"".join(download.streaming_content) == PDF


def test_refused_upload_is_explained_next_to_the_file_field_and_nothing_is_saved(reporter_client, draft):
    """An image renamed .pdf is refused under the file field; the text sent with it is not saved either."""
    url = reverse("reports:edit", args=[draft.pk])
    response = reporter_client.post(url, _form_data(file=upload("a.pdf", PNG), save="1"))
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "文件“a.pdf”的内容与扩展名 .pdf 不符，请上传真实的 PDF、Word、Excel 或图片文件。"
    ]
    assert 'id="id_file_errors"' in html(response)
    assert not Attachment.objects.exists()
    draft.refresh_from_db()
    assert draft.work_done == ""


def test_upload_with_a_refused_submission_leaves_no_file(reporter_client, draft, media_root):
    """Choosing a file and submitting an incomplete report writes neither the row nor the file."""
    url = reverse("reports:edit", args=[draft.pk])
    response = reporter_client.post(url, _form_data(work_done="", file=upload("a.pdf", PDF), submit="1"))
    assert response.context["form"].errors["work_done"] == ["提交前请填写本月工作进展。"]
    assert not Attachment.objects.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_form_shows_input_and_missing_items_together(reporter_client, draft):
    """Submitting with a negative count and no text lists all three problems at once."""
    url = reverse("reports:edit", args=[draft.pk])
    data = _form_data(work_done="", next_plan="", cases_handled="-3", submit="1")
    errors = reporter_client.post(url, data).context["form"].errors
    assert errors == {
        "cases_handled": ["“办理案件数”不能小于 0。"],
        "work_done": ["提交前请填写本月工作进展。"],
        "next_plan": ["提交前请填写下步计划。"],
    }


def test_every_indicator_error_is_shown_at_once(reporter_client, draft, wage_indicators):
    """A fraction in the integer indicator and a negative amount are both reported in one round."""
    workers, money = wage_indicators
    data = _form_data(save="1") | {f"indicator_{workers.pk}": "1.5", f"indicator_{money.pk}": "-5"}
    errors = reporter_client.post(reverse("reports:edit", args=[draft.pk]), data).context["form"].errors
    assert errors == {
        f"indicator_{workers.pk}": ["“涉及农民工人数”应填写整数。"],
        f"indicator_{money.pk}": ["“追讨欠薪金额”不能小于 0。"],
    }


def test_deleting_an_attachment_from_the_form(reporter_client, draft, reporter):
    """The form's delete button removes the file and returns to the form."""
    attachment = services.attachment_add(actor=reporter, report=draft, upload=upload("a.pdf", PDF))
    response = reporter_client.post(reverse("reports:attachment_delete", args=[attachment.pk]), follow=True)
    assert "附件“a.pdf”已删除。" in html(response)
    assert not Attachment.objects.exists()


def test_missing_file_on_disk_is_404(reporter_client, draft, reporter, media_root):
    """An attachment whose file went missing answers 404, not a server error."""
    attachment = services.attachment_add(actor=reporter, report=draft, upload=upload("a.pdf", PDF))
    (media_root / attachment.file.name).unlink()
    assert reporter_client.get(reverse("reports:attachment", args=[attachment.pk])).status_code == 404


# --- Contributions ---------------------------------------------------------------------------------------------


def test_participant_adds_its_contribution_on_the_report_page(client, draft, court_reporter):
    """区人民法院 writes its 协办情况 on the report page and sees it there."""
    client.force_login(court_reporter)
    page = html(client.get(reverse("reports:detail", args=[draft.pk])))
    assert "填写区人民法院的协办情况" in page
    response = client.post(reverse("reports:contribute", args=[draft.pk]), {"text": "审结欠薪案件 5 件。"}, follow=True)
    assert "协办情况已保存。" in html(response)
    assert "审结欠薪案件 5 件。" in html(response)
    response = client.post(reverse("reports:contribute", args=[draft.pk]), {"text": ""})
    assert response.status_code == 400
    assert response.context["contribution_form"].errors["text"] == ["请填写协办情况。"]


# --- Review ------------------------------------------------------------------------------------------------------


def test_review_queue_lists_submitted_reports_longest_waiting_first(office_client, submitted, ndrc_reporter, campaign8):
    """The queue shows submitted reports only, the oldest submission first, marked late when late."""
    other = services.report_open(actor=ndrc_reporter, campaign=campaign8, month=MARCH, today=TODAY)
    services.report_update(actor=ndrc_reporter, report=other, data=FILLED)
    services.report_submit(actor=ndrc_reporter, report=other, now=shanghai(2026, 4, 7, 9, 0))
    services.report_open(actor=ndrc_reporter, campaign=Campaign.objects.get(number=1), month=MARCH, today=TODAY)
    response = office_client.get(reverse("reports:review_queue"))
    rows = list(response.context["page"])
    assert [(r.agency.name, r.state().value) for r in rows] == [("区人力社保局", "submitted"), ("区发展改革委", "late")]
    assert "2 份报告等待审核" in html(response)


def test_office_accepts_from_the_report_page(office_client, submitted):
    """The reviewer accepts a submitted report from its page."""
    page = html(office_client.get(reverse("reports:detail", args=[submitted.pk])))
    assert "审核通过" in page and "退回修改" in page
    response = office_client.post(reverse("reports:accept", args=[submitted.pk]), follow=True)
    assert "报告已审核通过。" in html(response)
    submitted.refresh_from_db()
    assert submitted.status == "accepted"


def test_return_without_comment_shows_the_error_next_to_the_comment(office_client, submitted):
    """Returning with an empty comment re-shows the page with the message under 审核意见; nothing changes."""
    response = office_client.post(reverse("reports:return", args=[submitted.pk]), {"comment": ""})
    assert response.status_code == 400
    assert response.context["return_form"].errors["comment"] == ["退回报告时必须填写审核意见，说明需要修改的内容。"]
    assert 'id="id_comment_errors"' in html(response)
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    response = office_client.post(reverse("reports:return", args=[submitted.pk]), {"comment": "请补充数据来源。"})
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_comment) == ("returned", "请补充数据来源。")


def test_history_page_shows_who_what_old_and_new(office_client, returned):
    """The history page lists each change with user, old and new values."""
    page = html(office_client.get(reverse("reports:history", args=[returned.pk])))
    assert "office1" in page and "reporter1" in page
    assert '<del class="report-text">已提交</del>' in page
    assert '<ins class="report-text">已退回</ins>' in page
    assert "请补充检查台账。" in page


def _rich_report(report, reporter, court_reporter, wage_indicators):
    workers, money = wage_indicators
    services.report_update(actor=reporter, report=report, data={"indicators": {workers.pk: "3", money.pk: "1.5"}})
    services.attachment_add(actor=reporter, report=report, upload=upload("a.pdf", PDF))
    services.contribution_save(actor=court_reporter, report=report, text="协办")


def test_detail_and_history_query_counts(
    office_client, office_user, filled, reporter, court_reporter, wage_indicators, django_assert_num_queries
):
    """The report page and its history cost a fixed number of queries however much the report holds."""
    detail, history = reverse("reports:detail", args=[filled.pk]), reverse("reports:history", args=[filled.pk])
    with django_assert_num_queries(14):
        office_client.get(detail)
    with django_assert_num_queries(12):
        office_client.get(history)
    _rich_report(filled, reporter, court_reporter, wage_indicators)
    for n in range(3):
        services.report_update(actor=reporter, report=filled, data={"problems": f"第 {n} 次修改"})
    report = services.report_submit(actor=reporter, report=filled)
    services.report_return(actor=office_user, report=report, comment="请补充。")
    with django_assert_num_queries(14):
        office_client.get(detail)
    with django_assert_num_queries(12):
        office_client.get(history)


@pytest.mark.parametrize("url_name", ["reports:past", "reports:review_queue"])
def test_list_pages_query_count_does_not_grow(office_client, url_name, django_assert_num_queries):
    """The report list and the review queue cost the same with one report and with 60."""
    ndrc = Agency.objects.get(name="区发展改革委")
    campaign = Campaign.objects.get(number=1)
    now = timezone.now()
    bulk_reports(ndrc, [MARCH], campaigns=[campaign], status="submitted", submitted_at=now, last_submitted_at=now)
    with django_assert_num_queries(11):
        office_client.get(reverse(url_name))
    bulk_reports(ndrc, months_back(datetime.date(2026, 2, 1), 3), status="submitted", submitted_at=now)
    with django_assert_num_queries(11):
        response = office_client.get(reverse(url_name))
    assert len(response.context["page"]) == 50


def test_past_reports_filter_by_month_campaign_agency_and_status(reporter_client, returned, reporter, campaign13):
    """The list takes the shared filters; a bad month is explained next to the field."""
    services.report_open(actor=reporter, campaign=campaign13, month=datetime.date(2026, 2, 1), today=TODAY)
    url = reverse("reports:past")

    def listed(**params):
        return [(r.campaign.number, f"{r.month:%Y-%m}") for r in reporter_client.get(url, params).context["page"]]

    assert listed() == [(8, "2026-03"), (13, "2026-02")]
    assert listed(month="2026-02") == [(13, "2026-02")]
    assert listed(campaign="8") == [(8, "2026-03")]
    assert listed(status="returned") == [(8, "2026-03")]
    assert listed(agency="区人力社保局", status="draft") == [(13, "2026-02")]
    page = html(reporter_client.get(url, {"month": "2026-13"}))
    assert "月份格式应为 YYYY-MM，例如 2026-03。" in page


# --- Excel export ---------------------------------------------------------------------------------------------------


def test_export_writes_the_filtered_reports_and_keeps_formulas_as_text(
    reporter_client, filled, reporter, court_reporter, wage_indicators
):
    """The export has the filtered reports, their indicators and contributions; =... stays text."""
    _rich_report(filled, reporter, court_reporter, wage_indicators)
    services.report_update(actor=reporter, report=filled, data={"work_done": '=HYPERLINK("http://x","点我")'})
    response = reporter_client.get(reverse("reports:export"), {"month": "2026-03", "campaign": "8"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["月度报告", "考核指标", "协办情况"]
    sheet = workbook["月度报告"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert row["专项治理编号"].value == 8 and row["牵头单位"].value == "区人力社保局"
    assert row["工作进展"].data_type == "s"
    assert row["工作进展"].value == '=HYPERLINK("http://x","点我")'
    indicators = [tuple(r)[5:] for r in workbook["考核指标"].iter_rows(min_row=2, values_only=True)]
    assert indicators == [("涉及农民工人数", "人", 3), ("追讨欠薪金额", "万元", 1.5)]
    contributions = [tuple(r)[5:7] for r in workbook["协办情况"].iter_rows(min_row=2, values_only=True)]
    assert contributions == [("区人民法院", "协办")]


def test_export_with_a_bad_filter_goes_back_to_the_list(reporter_client):
    """An invalid filter does not export everything: the user is sent back with a message."""
    response = reporter_client.get(reverse("reports:export"), {"month": "March"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reports:past"))


def test_export_query_count_does_not_grow(office_client, django_assert_num_queries):
    """The export of 1 report and of 100 costs the same number of queries."""
    ndrc = Agency.objects.get(name="区发展改革委")
    bulk_reports(ndrc, [MARCH], campaigns=[Campaign.objects.get(number=1)])
    with django_assert_num_queries(9):
        office_client.get(reverse("reports:export"))
    bulk_reports(ndrc, months_back(datetime.date(2026, 2, 1), 4))
    with django_assert_num_queries(9):
        office_client.get(reverse("reports:export"))


# --- Indicators and month locks (office) -------------------------------------------------------------------------


def test_office_defines_an_indicator_and_reporters_fill_it_in(office_client, reporter, draft, client):
    """An indicator added by the office appears in campaign 8's form."""
    response = office_client.post(
        reverse("reports:indicator_new"),
        {"campaign": "8", "name": "约谈欠薪企业数", "unit": "家", "kind": "integer", "min_value": "0", "position": "1"}
        | {"required": "on", "is_active": "on"},
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    client.force_login(reporter)
    form = client.get(reverse("reports:edit", args=[draft.pk])).context["form"]
    assert form.fields[f"indicator_{indicator.pk}"].label == "约谈欠薪企业数（家）"


def test_indicator_with_minimum_above_maximum_is_refused(office_client):
    """min > max is refused on the form."""
    response = office_client.post(
        reverse("reports:indicator_new"),
        {"campaign": "8", "name": "x", "kind": "integer", "min_value": "10", "max_value": "5", "position": "0"},
    )
    assert response.status_code == 400
    assert "最小值不能大于最大值。" in html(response)
    assert not Indicator.objects.exists()


def test_office_locks_reopens_and_unlocks_a_month(office_client, agency):
    """The months page locks March, reopens it for one agency, and unlocks it."""
    response = office_client.post(reverse("reports:months"), {"month": "2026-03", "note": "考核完成"}, follow=True)
    assert "2026年3月已锁定。" in html(response)
    lock = MonthLock.objects.get()
    response = office_client.post(reverse("reports:month_reopen", args=[lock.pk]), {"agency": agency.pk, "reason": ""})
    assert response.status_code == 400
    assert "请说明重新开放的原因。" in html(response)
    response = office_client.post(
        reverse("reports:month_reopen", args=[lock.pk]), {"agency": agency.pk, "reason": "补报"}, follow=True
    )
    assert "2026年3月已为区人力社保局重新开放。" in html(response)
    office_client.post(reverse("reports:month_unlock", args=[lock.pk]))
    assert not MonthLock.objects.exists()


def test_locking_a_month_before_its_due_date_is_explained(office_client):
    """Locking this month is refused next to the month field."""
    month = timezone.localdate().replace(day=1)
    response = office_client.post(reverse("reports:months"), {"month": f"{month:%Y-%m}"})
    assert response.status_code == 400
    assert "截止后才能锁定" in response.context["form"].errors["month"][0]


def test_locked_month_shows_no_start_button(reporter_client, office_user):
    """In a locked month the reporter sees why it cannot start a report."""
    services.month_lock(actor=office_user, month=MARCH, today=TODAY)
    page = html(reporter_client.get(reverse("reports:my_tasks"), {"month": "2026-03"}))
    assert "开始填报" not in page
    assert "本月已锁定" in page


def test_every_report_model_is_in_the_admin(admin_client):
    """Every report model has an admin page."""
    for model in (Report, Indicator, IndicatorValue, Attachment, Contribution, MonthLock):
        url = reverse(f"admin:reports_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200


def test_indicator_and_month_pages_query_counts(office_client, office_user, agency, django_assert_num_queries):
    """The indicator list and the month-lock page cost the same with one row as with many."""
    from agencies.models import Agency as AgencyModel

    campaigns = list(Campaign.objects.filter(number__in=[1, 8, 13]))
    services.indicator_create(actor=office_user, campaign=campaigns[0], data={"name": "指标0"})
    lock = services.month_lock(actor=office_user, month=datetime.date(2025, 1, 1), today=TODAY)
    services.month_reopen(actor=office_user, lock=lock, agency=agency, reason="补报")
    with django_assert_num_queries(8):
        office_client.get(reverse("reports:indicators"))
    with django_assert_num_queries(12):
        office_client.get(reverse("reports:months"))
    for n, campaign in enumerate(campaigns * 3, start=1):
        services.indicator_create(actor=office_user, campaign=campaign, data={"name": f"指标{n}"})
    for month in months_back(datetime.date(2025, 12, 1), 6):
        lock = services.month_lock(actor=office_user, month=month, today=TODAY)
        for name in ("区人力社保局", "区发展改革委"):
            services.month_reopen(
                actor=office_user, lock=lock, agency=AgencyModel.objects.get(name=name), reason="补报"
            )
    with django_assert_num_queries(8):
        office_client.get(reverse("reports:indicators"))
    with django_assert_num_queries(12):
        response = office_client.get(reverse("reports:months"))
    assert len(response.context["locks"]) == 7
