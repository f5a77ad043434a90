"""Anonymous, throttled, masked API of the public lists: ``GET /api/v1/public/list-entries/``.

Same rules as the page ``/credit/`` (one FilterSet): organisations by part of the name or credit
code, persons by exact full name or full ID number, only entries public today, at most
``PUBLIC_SEARCH_MAX_RESULTS`` results in pages of 20, never a full ID number. The pages are
numbered rather than linked, so a query (which may be an ID number) is never echoed back.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.pagination import BasePagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from .models import ListEntry
from .permissions import public_entries
from .public_filters import PublicListEntryFilterSet
from .public_selectors import PublicEntry
from .public_throttling import PublicSearchThrottle


class PublicListEntrySerializer(serializers.Serializer):
    """A public entry (``PublicEntry``): a person's ID number only masked, positions 11–14 hidden."""

    id = serializers.IntegerField(help_text="条目编号，与详情页 /credit/<id>/ 相同")
    list = serializers.ChoiceField(choices=ListEntry.List.choices, help_text="red 红名单 / black 黑名单")
    list_label = serializers.CharField()
    subject_type = serializers.CharField(help_text="person / legal_person / other_org / individual_business")
    subject_type_label = serializers.CharField()
    subject_name = serializers.CharField()
    subject_key = serializers.CharField(help_text="统一社会信用代码；自然人为隐去第11–14位的身份证号码")
    campaign_number = serializers.IntegerField()
    campaign_title = serializers.CharField()
    severity = serializers.CharField(help_text="黑名单失信等级：minor/general/serious/severe；红名单为空")
    severity_label = serializers.CharField()
    reason = serializers.CharField()
    basis = serializers.CharField()
    deciding_agency = serializers.CharField()
    decision_number = serializers.CharField()
    decision_date = serializers.DateField()
    publish_from = serializers.DateField(allow_null=True)
    publish_until = serializers.DateField(allow_null=True)
    detail_url = serializers.CharField(help_text="详情页地址；自然人的链接带有限时签名")


class CappedPagination(BasePagination):
    """Pages of 20 within the capped result: a count up to the cap and ``more`` past it."""

    def paginate_queryset(self, queryset, request, view=None):
        """``queryset`` is the view's ``search.CappedResults``: the search is already capped."""
        self.results = queryset
        raw = request.query_params.get("page", "1")
        if not raw.isdigit() or not 1 <= int(raw) <= self.results.page_count:
            raise exceptions.NotFound(_("页码无效：共 %(pages)s 页。") % {"pages": self.results.page_count})
        self.number = int(raw)
        return [PublicEntry.of(row, link=True) for row in self.results.page(self.number)]

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.results.count,
                "more": self.results.truncated,
                "page": self.number,
                "pages": self.results.page_count,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "more", "page", "pages", "results"],
            "properties": {
                "count": {"type": "integer", "description": "结果条数，最多为上限（默认 100）"},
                "more": {"type": "boolean", "description": "true：结果超过上限，请缩小查询范围"},
                "page": {"type": "integer"},
                "pages": {"type": "integer"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": "页码，每页 20 条",
                "schema": {"type": "integer", "minimum": 1},
            }
        ]


_ERROR = inline_serializer("PublicError", fields={"detail": serializers.CharField()})


@extend_schema_view(
    list=extend_schema(
        summary="查询公示中的红黑榜条目",
        description=(
            "无需登录。q 为单位名称的一部分（至少两个字）、完整的统一社会信用代码，或自然人的完整姓名、"
            "完整的18位身份证号码（不支持按部分姓名查询个人；不带 q 时只列出单位）。"
            f"只返回公示期内的条目，最多 {settings.PUBLIC_SEARCH_MAX_RESULTS} 条，每页 20 条；"
            "身份证号码一律隐去第11–14位。按客户端地址限制频率。"
        ),
        responses={
            200: PublicListEntrySerializer(many=True),
            400: OpenApiResponse(
                description='查询内容无效，例如校验位错误、不足两个字：{"q": ["…"]}',
                response=inline_serializer(
                    "PublicQueryError", fields={"q": serializers.ListField(child=serializers.CharField())}
                ),
            ),
            404: OpenApiResponse(description="页码无效", response=_ERROR),
            429: OpenApiResponse(
                description="查询过于频繁，请稍后再试（响应头 Retry-After 给出秒数）", response=_ERROR
            ),
        },
    )
)
class PublicListEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = PublicListEntrySerializer
    filterset_class = PublicListEntryFilterSet
    pagination_class = CappedPagination
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [PublicSearchThrottle]

    def get_queryset(self):
        return public_entries(timezone.localdate())

    def list(self, request, *args, **kwargs):
        filterset = self.filterset_class(request.query_params, queryset=self.get_queryset())
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        page = self.paginate_queryset(filterset.results())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def throttled(self, request, wait):
        raise exceptions.Throttled(wait, detail=str(_("查询过于频繁，请稍后再试。")))
