"""Forms of the dashboard and supervision pages. They validate input; services decide."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from reports.models import Report

from .models import Agency, SupervisionOrder

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> datetime.date:
    """``YYYY-MM`` → the first day of that month; a clear Chinese message otherwise."""
    match = _MONTH.match((value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise ValidationError(_("月份格式应为 YYYY-MM，例如 2025-05。"), code="invalid_month")
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


class MonthInput(forms.TextInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value:%Y-%m}"
        return super().format_value(value)


class MonthField(forms.CharField):
    """A month typed as ``YYYY-MM`` (the browser's month picker), cleaned to its first day."""

    widget = MonthInput

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return parse_month(value)


class PastMonthField(MonthField):
    """A month that has begun: the dashboard shows this month and any earlier one."""

    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate().replace(day=1):
            raise ValidationError(_("不能查看尚未开始的月份。"), code="future_month")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DashboardMonthForm(forms.Form):
    month = PastMonthField(label=_("报告月份"), required=False)


class SupervisionOrderForm(forms.ModelForm):
    """The office issues an order; ``report`` and ``report_month`` come prefilled from the dashboard."""

    class Meta:
        model = SupervisionOrder
        fields = [
            "kind",
            "agency",
            "campaign",
            "report",
            "report_month",
            "title",
            "content",
            "deadline",
            "interview_date",
            "interviewee",
        ]
        widgets = {
            "report": forms.HiddenInput,
            "report_month": forms.HiddenInput,
            "deadline": DateInput,
            "interview_date": DateInput,
            "content": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "deadline": _("限期整改必填；催办、约谈、报领导小组可选"),
            "interview_date": _("仅约谈填写"),
            "interviewee": _("仅约谈填写：姓名及职务，如“张三（局长）”"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True).exclude(kind=Agency.Kind.OFFICE)
        self.fields["campaign"].queryset = Campaign.objects.all()
        self.fields["report"].queryset = Report.objects.select_related("campaign", "agency")


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("答复内容"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("写明采取的措施、整改结果和完成时间"),
        error_messages={"required": _("请填写答复内容。")},
    )


class CloseForm(forms.Form):
    comment = forms.CharField(label=_("办结意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("退回意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("说明整改不到位之处，单位将据此重新答复"),
        error_messages={"required": _("退回时请填写退回意见。")},
    )


class InterviewForm(forms.Form):
    interview_date = forms.DateField(label=_("约谈日期"), widget=DateInput)
    interviewee = forms.CharField(label=_("被约谈人"), max_length=100, help_text=_("姓名及职务"))
    interview_minutes = forms.CharField(
        label=_("约谈纪要"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请填写约谈纪要。")},
    )


class EscalateForm(forms.Form):
    content = forms.CharField(
        label=_("提请事由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("整改不力的具体情况，报区不作为不担当领导小组追究责任"),
        error_messages={"required": _("请填写提请事由。")},
    )
    deadline = forms.DateField(label=_("办理期限"), required=False, widget=DateInput)


class RemindForm(forms.Form):
    """Remind now (立即催办) on the dashboard's overdue list: one (campaign, lead agency, month)."""

    campaign = forms.ModelChoiceField(queryset=Campaign.objects.all(), to_field_name="number")
    agency = forms.ModelChoiceField(queryset=Agency.objects.all())
    month = MonthField()
