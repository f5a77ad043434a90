"""Forms of the report pages. They parse input; the rules live in ``reports.services``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from campaigns.models import Campaign

from . import services, uploads
from .filters import MonthFormField
from .models import Indicator, Report, plain_number


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (or above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


class IndicatorField(forms.CharField):
    """One of the office's indicators: checked by ``Indicator.parse``, the same rule the service applies."""

    def __init__(self, *, indicator: Indicator, **kwargs):
        self.indicator = indicator
        integer = indicator.kind == Indicator.Kind.INTEGER
        attrs = {"step": "1" if integer else "0.01", "inputmode": "numeric" if integer else "decimal"}
        if indicator.min_value is not None:
            attrs["min"] = plain_number(indicator.min_value)
        if indicator.max_value is not None:
            attrs["max"] = plain_number(indicator.max_value)
        super().__init__(required=False, widget=forms.NumberInput(attrs=attrs), **kwargs)

    def to_python(self, value):
        return self.indicator.parse(super().to_python(value))


class ReportForm(forms.Form):
    """The agency's monthly report: text, the four figures and the campaign's indicators.

    A plain form over the model's fields: it parses input, the service validates and saves.
    """

    WIDGETS = {
        "work_done": forms.Textarea(attrs={"rows": 8}),
        "problems": forms.Textarea(attrs={"rows": 4}),
        "next_plan": forms.Textarea(attrs={"rows": 4}),
    }
    HELP_TEXTS = {
        "work_done": _("本月围绕该专项治理开展的主要工作、取得的成效。提交时必填。"),
        "problems": _("工作中遇到的困难和问题；没有可填“无”。"),
        "next_plan": _("下月工作安排。提交时必填。"),
        "money_recovered": _("单位：万元，最多两位小数。"),
    }

    def __init__(self, *args, report: Report, indicators=(), values: dict[int, object] | None = None, **kwargs):
        kwargs.setdefault("initial", model_to_dict(report, fields=services.EDITABLE_FIELDS))
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(Report, fields=services.EDITABLE_FIELDS, widgets=self.WIDGETS, help_texts=self.HELP_TEXTS)
        )
        values = values or {}
        self.indicators = list(indicators)
        for name in ("cases_handled", "entries_listed", "publicity_events", "money_recovered"):
            field = self.fields[name]
            field.widget.attrs.update({"min": 0, "inputmode": "decimal"})
            field.error_messages["min_value"] = _("“%(label)s”不能小于 0。") % {"label": field.label}
            field.error_messages["invalid"] = _("“%(label)s”应填写数字。") % {"label": field.label}
        self.fields["file"] = forms.FileField(
            label=_("上传附件"),
            required=False,
            help_text=_("PDF、Word、Excel 或图片，每个不超过 20 MB；随“保存草稿”或“保存并提交”一起上传。"),
            widget=forms.ClearableFileInput(
                attrs={"accept": ",".join(uploads.KINDS), "data-max-bytes": uploads.max_bytes()}
            ),
        )
        for indicator in self.indicators:
            label = f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name
            help_parts = [indicator.help_text] if indicator.help_text else []
            if indicator.required:
                help_parts.append(str(_("提交时必填。")))
            field = IndicatorField(indicator=indicator, label=label, help_text=" ".join(help_parts))
            self.fields[self.indicator_field(indicator)] = field
            value = values.get(indicator.pk)
            self.initial.setdefault(self.indicator_field(indicator), None if value is None else plain_number(value))

    @staticmethod
    def indicator_field(indicator: Indicator) -> str:
        return f"indicator_{indicator.pk}"

    def indicator_fields(self):
        return [self[self.indicator_field(i)] for i in self.indicators]

    def partial_data(self) -> dict:
        """What the user typed, valid or not, in the shape of ``service_data`` (for showing all errors)."""
        data = {name: self.data.get(name, "") for name in ("work_done", "next_plan")}
        data["indicators"] = {i.pk: self.data.get(self.indicator_field(i), "") for i in self.indicators}
        return data

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        data["indicators"] = {i.pk: self.cleaned_data.get(self.indicator_field(i)) for i in self.indicators}
        return data


class OpenReportForm(forms.Form):
    """Start a report: which campaign (by number) and which month."""

    campaign = forms.ModelChoiceField(queryset=Campaign.objects.all(), to_field_name="number", label=_("专项治理"))
    month = MonthFormField(label=_("月份"))


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("审核意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=services.MAX_COMMENT_LENGTH,
        help_text=_("退回时必填：写明需要修改或补充的内容。"),
        required=False,  # the service says what is missing, in one place
    )


class ContributionForm(forms.Form):
    text = forms.CharField(
        label=_("协办情况"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("本单位本月配合开展的工作。"),
        required=False,
    )


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "campaign",
            "name",
            "unit",
            "kind",
            "min_value",
            "max_value",
            "required",
            "help_text",
            "position",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.reportable().order_by("number")
        if self.instance.pk:
            self.fields["campaign"].disabled = True


class MonthLockForm(forms.Form):
    month = MonthFormField(label=_("锁定月份"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ReopenForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("单位"), required=False)
    reason = forms.CharField(label=_("重新开放原因"), max_length=200, required=False)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
