"""Batch screening API for agency staff (section 五.2): ``POST /api/v1/screening/``."""

from __future__ import annotations

import logging

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from xiqing_credit.excel import xlsx_response

from .permissions import can_screen
from .screening import ScreeningInputError, read_upload, result_workbook, rows_from_json, screen

logger = logging.getLogger(__name__)


class CanScreen(BasePermission):
    message = "只有各单位工作人员可以批量筛查。"

    def has_permission(self, request, view):
        return can_screen(request.user)


class ScreeningRowSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, help_text="单位名称或个人姓名")
    code = serializers.CharField(required=False, allow_blank=True, help_text="18位统一社会信用代码或身份证号码")


class ScreeningRequestSerializer(serializers.Serializer):
    rows = ScreeningRowSerializer(
        many=True, help_text="最多 10000 行；有号码的按号码精确匹配，只有名称的按完整名称匹配"
    )
    include_history = serializers.BooleanField(default=False, help_text="同时列出已期满、已移出、已信用修复的记录")


class MatchSerializer(serializers.Serializer):
    entry_id = serializers.IntegerField()
    matched_by = serializers.CharField()
    subject_name = serializers.CharField()
    subject_type_label = serializers.CharField()
    subject_key = serializers.CharField(help_text="统一社会信用代码，或隐去第11–14位的身份证号码")
    list = serializers.CharField()
    list_label = serializers.CharField()
    severity_label = serializers.CharField()
    status_label = serializers.CharField()
    in_effect = serializers.BooleanField(help_text="是否处于公示期内")
    publish_until = serializers.DateField(allow_null=True)
    deciding_agency = serializers.CharField()
    campaign_title = serializers.CharField()
    decision_number = serializers.CharField()
    note = serializers.CharField()


class RowResultSerializer(serializers.Serializer):
    row = serializers.IntegerField(source="row.number", help_text="行号：文件中的行号，或 JSON 中的序号（从 1 起）")
    name = serializers.CharField(source="row.name")
    code = serializers.CharField(source="display_key", help_text="填写的号码；身份证号码隐去第11–14位")
    outcome = serializers.CharField(help_text="命中 / 仅有历史记录 / 未命中 / 输入有误")
    error = serializers.CharField()
    matches = MatchSerializer(many=True)


class ScreeningResultSerializer(serializers.Serializer):
    date = serializers.DateField(source="today")
    rows_screened = serializers.SerializerMethodField()
    hits = serializers.IntegerField(source="hit_count")
    history_only = serializers.IntegerField(source="history_count")
    misses = serializers.IntegerField(source="miss_count")
    errors = serializers.IntegerField(source="error_count")
    rows = RowResultSerializer(many=True)

    def get_rows_screened(self, result) -> int:
        return len(result.rows)


class ScreeningAPIView(APIView):
    """Screen up to 10,000 rows against the red/black lists."""

    permission_classes = [IsAuthenticated, CanScreen]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        summary="批量筛查（联合奖惩核查）",
        description=(
            "提交 JSON（rows），或以 multipart 上传 file（.xlsx 或 .csv，第一列名称、第二列号码）。"
            "output=xlsx 时返回 Excel 结果文件。身份证号码在结果中一律隐去第11–14位。"
        ),
        request={"application/json": ScreeningRequestSerializer, "multipart/form-data": OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter("output", str, enum=["json", "xlsx"], description="xlsx：返回 Excel 结果文件")],
        responses={
            200: ScreeningResultSerializer,
            400: OpenApiResponse(
                description="输入无效，如超过 10000 行、文件无法读取",
                response=inline_serializer("ScreeningError", fields={"detail": serializers.CharField()}),
            ),
            403: OpenApiResponse(description="未登录或不属于任何单位"),
        },
    )
    def post(self, request):
        if not hasattr(request.data, "get"):
            return Response(
                {"detail": "请求内容须为 JSON 对象（含 rows 列表），或以 multipart 方式上传 file 文件。"}, status=400
            )
        include_history = str(request.data.get("include_history", "")).lower() in ("true", "1", "on")
        try:
            if "file" in request.FILES:
                rows = read_upload(request.FILES["file"])
            else:
                rows = rows_from_json(request.data.get("rows"))
        except ScreeningInputError as error:
            raise ParseError(str(error)) from None
        today = timezone.localdate()
        result = screen(rows, user=request.user, today=today, include_history=include_history)
        logger.info(
            "batch screening (API) by user %s: %s rows, %s hits", request.user.pk, len(result.rows), result.hit_count
        )
        if request.query_params.get("output") == "xlsx":
            return xlsx_response(result_workbook(result), f"联合奖惩筛查结果-{today.isoformat()}.xlsx")
        return Response(ScreeningResultSerializer(result).data)
