"""Forms of the list pages. They parse input; the rules live in ``services.py``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from campaigns.models import Campaign

from .models import CreditSubject, ListEntry, RepairApplication
from .services import EntryInput


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CampaignChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, campaign: Campaign) -> str:
        return f"{campaign.number}. {campaign.title}"


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ListEntryForm(forms.Form):
    """Propose one entry. A reporter's deciding agency is fixed to its own agency."""

    list = forms.ChoiceField(label=_("名单类型"), choices=ListEntry.List.choices)
    subject_type = forms.ChoiceField(label=_("主体类型"), choices=CreditSubject.SubjectType.choices)
    name = forms.CharField(label=_("主体名称"), max_length=200)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("法人、非法人组织、个体工商户填写，18位"),
    )
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=30,
        required=False,
        help_text=_("自然人填写，18位；保存后加密存储，页面只显示部分号码"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    campaign = CampaignChoiceField(label=_("专项治理"), queryset=Campaign.objects.all())
    severity = forms.ChoiceField(
        label=_("失信等级"),
        choices=[("", _("（红名单不填）")), *ListEntry.Severity.choices],
        required=False,
    )
    reason = forms.CharField(label=_("列入原因"), widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.CharField(label=_("认定依据"), widget=forms.Textarea(attrs={"rows": 2}))
    deciding_agency = forms.ModelChoiceField(label=_("认定部门"), queryset=Agency.objects.filter(is_active=True))
    decision_number = forms.CharField(label=_("决定文书号"), max_length=100)
    decision_date = forms.DateField(label=_("决定日期"), widget=DateInput())
    publish_until = forms.DateField(
        label=_("公示截止日期"), required=False, widget=DateInput(), help_text=_("自决定日期起算；轻微失信不公示，留空")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_office:
            self.fields["deciding_agency"].queryset = Agency.objects.filter(pk=user.agency_id)
            self.fields["deciding_agency"].initial = user.agency_id
            self.fields["deciding_agency"].help_text = _("单位只能提出本单位认定的名单条目")

    def entry_input(self) -> EntryInput:
        data = self.cleaned_data
        return EntryInput(
            list=data["list"],
            subject_type=data["subject_type"],
            name=data["name"],
            credit_code=data["credit_code"],
            id_number=data["id_number"],
            campaign=data["campaign"],
            severity=data["severity"],
            reason=data["reason"],
            basis=data["basis"],
            deciding_agency=data["deciding_agency"],
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            publish_until=data["publish_until"],
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件"),
        help_text=_("使用导入模板填写的 .xlsx 文件；全部行无误才会导入"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class RepairDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("决定"),
        choices=[("approve", _("准予信用修复")), ("reject", _("不予信用修复"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("决定理由"), widget=forms.Textarea(attrs={"rows": 3}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class NoEchoTextInput(forms.TextInput):
    """A text input that never sends its value back: a full ID number must not travel back to an
    anonymous browser in a re-rendered form."""

    def format_value(self, value):
        return None


class RepairApplyForm(forms.Form):
    """The public credit-repair application (section 五.3)."""

    entry = forms.IntegerField(
        label=_("名单条目编号"), min_value=1, help_text=_("信用“红黑榜”查询结果中显示的条目编号")
    )
    key = forms.CharField(
        label=_("统一社会信用代码或身份证号码"),
        max_length=30,
        help_text=_("与名单条目中的主体一致，用于核实申请人身份；为保护个人信息，提交有误时需重新填写"),
        widget=NoEchoTextInput(attrs={"autocomplete": "off"}),
    )
    grounds = forms.MultipleChoiceField(
        label=_("修复理由"),
        choices=RepairApplication.Ground.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    statement = forms.CharField(
        label=_("情况说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("说明纠正失信行为、履行义务或参加公益活动的情况"),
    )
    evidence = MultipleFileField(
        label=_("证明材料"),
        required=False,
        help_text=_("PDF、JPG 或 PNG，最多5个文件，每个不超过10MB"),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    commitment = forms.BooleanField(label=_("我已阅读并签署上述信用承诺"))
    commitment_signed_by = forms.CharField(
        label=_("承诺人签名"), max_length=100, help_text=_("法人或非法人组织填写法定代表人（负责人）姓名")
    )
    applicant_name = forms.CharField(label=_("申请人（经办人）姓名"), max_length=100)
    contact_phone = forms.RegexField(
        label=_("联系电话"),
        regex=r"^[0-9+\- ]{7,20}$",
        max_length=30,
        error_messages={"invalid": _("请填写有效的电话号码。")},
    )
    contact_email = forms.EmailField(label=_("电子邮箱"), required=False, help_text=_("填写后，审核结果将发送到此邮箱"))

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)


class RepairLookupForm(forms.Form):
    query_code = forms.CharField(
        label=_("查询码"),
        max_length=20,
        help_text=_("提交申请时获得的12位查询码"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
