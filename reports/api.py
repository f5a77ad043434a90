"""REST API of the monthly reports: /api/v1/reports/ with submit, return, accept and history.

The viewset declares queryset, serializer and filters; each write calls one service, which holds
the rule. Who sees what comes from ``Report.objects.visible_to`` (404 for a report one may not
see), who may do what from the services (403 with the reason).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from campaigns.models import Campaign

from . import selectors, services
from .filters import MONTH_MESSAGE, ReportFilterSet
from .models import Attachment, Contribution, IndicatorValue, Report

# --- Fields and serializers ----------------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": selectors.MONTH_PATTERN, "example": "2026-03"})
class MonthField(serializers.Field):
    """A month as ``YYYY-MM``."""

    default_error_messages = {"invalid": MONTH_MESSAGE}

    def to_representation(self, value):
        return f"{value:%Y-%m}"

    def to_internal_value(self, data):
        month = selectors.parse_month(data) if isinstance(data, str) else None
        if month is None:
            self.fail("invalid")
        return month


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.IntegerField(source="indicator_id", help_text="考核指标编号")
    name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "name", "unit", "value"]


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="下载地址（需登录且有权查看该报告）")

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "uploaded_at", "url"]

    def get_url(self, attachment: Attachment) -> str:
        return f"/reports/attachments/{attachment.pk}/"


class ContributionSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = Contribution
        fields = ["agency", "text", "updated_at"]


class ReportSerializer(serializers.ModelSerializer):
    campaign = serializers.IntegerField(source="campaign.number", read_only=True, help_text="专项治理编号")
    campaign_title = serializers.CharField(source="campaign.title", read_only=True)
    agency = serializers.CharField(source="agency.name", read_only=True, help_text="牵头单位名称")
    month = MonthField(read_only=True)
    state = serializers.SerializerMethodField(help_text="按截止日期（北京时间）判定的当前情况")
    is_late = serializers.BooleanField(read_only=True, help_text="首次提交晚于截止日（北京时间）")
    indicators = IndicatorValueSerializer(source="indicator_values", many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    contributions = ContributionSerializer(many=True, read_only=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Report
        fields = [
            "id",
            "campaign",
            "campaign_title",
            "agency",
            "month",
            "due_date",
            "status",
            "state",
            "work_done",
            "problems",
            "next_plan",
            "cases_handled",
            "entries_listed",
            "publicity_events",
            "money_recovered",
            "indicators",
            "attachments",
            "contributions",
            "submitted_at",
            "last_submitted_at",
            "is_late",
            "reviewed_at",
            "reviewed_by",
            "review_comment",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(choices=["accepted", "submitted", "late", "returned", "overdue", "not_due"])
    )
    def get_state(self, report: Report) -> str:
        return report.state().value


class ReportOpenSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(min_value=1, help_text="专项治理编号（本单位牵头的）")
    month = MonthField(help_text="报告月份 YYYY-MM")

    def validate_campaign(self, number: int) -> Campaign:
        try:
            return Campaign.objects.get(number=number)
        except Campaign.DoesNotExist:
            raise serializers.ValidationError(_("专项治理编号 %(number)s 不存在。") % {"number": number}) from None


class IndicatorInputSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(help_text="考核指标编号")
    value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, help_text="数值；null 表示清空")


class ReportUpdateSerializer(serializers.Serializer):
    work_done = serializers.CharField(required=False, allow_blank=True)
    problems = serializers.CharField(required=False, allow_blank=True)
    next_plan = serializers.CharField(required=False, allow_blank=True)
    cases_handled = serializers.IntegerField(required=False, min_value=0, max_value=2147483647)
    entries_listed = serializers.IntegerField(required=False, min_value=0, max_value=2147483647)
    publicity_events = serializers.IntegerField(required=False, min_value=0, max_value=2147483647)
    money_recovered = serializers.DecimalField(required=False, max_digits=14, decimal_places=2, min_value=Decimal("0"))
    indicators = IndicatorInputSerializer(many=True, required=False)

    def service_data(self) -> dict:
        data = dict(self.validated_data)
        if "indicators" in data:
            data["indicators"] = {item["indicator"]: item["value"] for item in data["indicators"]}
        return data


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, required=False, help_text="审核意见（退回时必填）")


class ContributionInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, help_text="本单位的协办情况")


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(source="label")
    old = serializers.CharField()
    new = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField()
    subject = serializers.CharField(help_text="报告、某项指标、附件或协办情况")
    action = serializers.CharField()
    changes = FieldChangeSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- Errors from services -----------------------------------------------------------------------------


def _call(service, **kwargs):
    """Run a service; its refusals become 400 (with field errors) or 403 (with the reason)."""
    try:
        return service(**kwargs)
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None) from None
    except DjangoValidationError as error:
        raise ValidationError(_api_errors(error)) from None


def _api_errors(error: DjangoValidationError):
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    detail: dict = {}
    for name, messages in error.message_dict.items():
        if name.startswith("indicator_"):
            detail.setdefault("indicators", {})[name.removeprefix("indicator_")] = messages
        elif name == "__all__":
            detail[api_settings.NON_FIELD_ERRORS_KEY] = messages
        else:
            detail[name] = messages
    return detail


# --- The viewset ---------------------------------------------------------------------------------------

ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="输入有误：{字段: [说明]}"),
    403: OpenApiResponse(ErrorSerializer, description="未登录，或无权执行此操作（说明原因）"),
    404: OpenApiResponse(ErrorSerializer, description="报告不存在或无权查看"),
}
LIST_ERRORS = {
    400: ERRORS[400],
    403: ERRORS[403],
    404: OpenApiResponse(ErrorSerializer, description="页码超出范围"),
}


@extend_schema_view(
    list=extend_schema(
        summary="月度报告列表",
        description="当前用户可见的报告：填报员看本单位牵头和参与的，区文明办看全部。",
        responses={200: ReportSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="一份月度报告",
        responses={200: ReportSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    ),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = selectors.report_full_queryset()
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Any id reaches the view, so a malformed one gets the API's JSON 404 rather than an HTML page.
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def _reply(self, report: Report, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=report.pk)
        return Response(ReportSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(
        summary="开始填报（创建草稿）",
        description="填报员为本单位牵头的专项治理开始某月的报告。同一报告不能重复创建。",
        request=ReportOpenSerializer,
        responses={201: ReportSerializer, 400: ERRORS[400], 403: ERRORS[403]},
        examples=[OpenApiExample("开始填报", value={"campaign": 8, "month": "2026-03"}, request_only=True)],
    )
    def create(self, request):
        serializer = ReportOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = _call(
            services.report_open,
            actor=request.user,
            campaign=serializer.validated_data["campaign"],
            month=serializer.validated_data["month"],
        )
        return self._reply(report, status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改草稿或被退回的报告",
        request=ReportUpdateSerializer,
        responses={200: ReportSerializer, **ERRORS},
    )
    def partial_update(self, request, pk=None):
        report = self.get_object()
        serializer = ReportUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = _call(services.report_update, actor=request.user, report=report, data=serializer.service_data())
        return self._reply(report)

    @extend_schema(summary="提交报告", request=None, responses={200: ReportSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = _call(services.report_submit, actor=request.user, report=self.get_object())
        return self._reply(report)

    @extend_schema(
        summary="退回报告（区文明办）",
        description="审核意见必填。",
        request=ReturnSerializer,
        responses={200: ReportSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        report = self.get_object()
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = _call(
            services.report_return,
            actor=request.user,
            report=report,
            comment=serializer.validated_data.get("comment", ""),
        )
        return self._reply(report)

    @extend_schema(summary="审核通过（区文明办）", request=None, responses={200: ReportSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        report = _call(services.report_accept, actor=request.user, report=self.get_object())
        return self._reply(report)

    @extend_schema(
        summary="填写协办情况（参与单位）",
        request=ContributionInputSerializer,
        responses={200: ReportSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def contribution(self, request, pk=None):
        report = self.get_object()
        serializer = ContributionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _call(services.contribution_save, actor=request.user, report=report, text=serializer.validated_data["text"])
        return self._reply(report)

    @extend_schema(
        summary="报告的全部修改记录",
        description="谁、何时、改了什么、原值和新值，最新的在前。",
        responses={200: HistoryEntrySerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        report = self.get_object()
        return Response(HistoryEntrySerializer(selectors.report_history(report), many=True).data)
