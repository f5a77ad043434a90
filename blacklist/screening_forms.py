"""The upload form of batch screening (section 五.2)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ScreeningForm(forms.Form):
    file = forms.FileField(
        label=_("待筛查名单"),
        help_text=_("Excel（.xlsx）或 CSV 文件：第一列名称或姓名，第二列统一社会信用代码或身份证号码，最多 10000 行。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    include_history = forms.BooleanField(
        label=_("同时列出已期满、已移出、已信用修复的历史记录（本单位可查看的部分）"), required=False
    )
