"""API of the agencies app: the public list of agencies, the office's dashboard, supervision orders."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.models import Campaign
from reports.models import Report
from xiqing_credit.api_fields import MonthField

from .filters import SupervisionOrderFilterSet
from .forms import DashboardMonthForm
from .models import Agency, SupervisionOrder
from .permissions import IsOffice, can_issue_order, supervision_orders_visible_to
from .selectors import Dashboard, dashboard, default_month
from .services import (
    supervision_order_answer,
    supervision_order_close,
    supervision_order_issue,
    supervision_order_send_back,
)


class AgencySerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Agency
        fields = ["id", "name", "kind", "aliases"]


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Agency.objects.filter(is_active=True).prefetch_related("aliases")
    serializer_class = AgencySerializer
    permission_classes = [AllowAny]
    filterset_fields = ["kind"]
    pagination_class = None


# --- Dashboard and supervision orders (督查督办), section 五.4 ----------------------------------------


def _run(service, **kwargs):
    """Call a service; its Chinese validation messages become a 400 response."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        raise serializers.ValidationError(detail) from None


class SupervisionOrderSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="name", read_only=True)
    agency_id = serializers.IntegerField(read_only=True)
    campaign = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    report = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    report_month = MonthField(read_only=True, allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    deadline_colour = serializers.SerializerMethodField(help_text="blue 三日内到期 / yellow 过半未答复 / red 已超期")
    issued_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    answered_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    closed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    is_answer_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = SupervisionOrder
        fields = [
            "id",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "deadline_colour",
            "agency",
            "agency_id",
            "campaign",
            "report",
            "report_month",
            "parent",
            "title",
            "content",
            "issued_on",
            "deadline",
            "issued_by",
            "interview_date",
            "interviewee",
            "interview_minutes",
            "answer",
            "answered_at",
            "answered_by",
            "is_answer_late",
            "office_comment",
            "closed_at",
            "closed_by",
        ]
        read_only_fields = fields

    def get_deadline_colour(self, order: SupervisionOrder) -> str:
        return order.deadline_colour(timezone.localdate())


class SupervisionOrderCreateSerializer(serializers.Serializer):
    """What the office sends to issue an order: the agency by id, the campaign by number."""

    kind = serializers.ChoiceField(choices=SupervisionOrder.Kind.choices)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.exclude(kind=Agency.Kind.OFFICE))
    campaign = serializers.SlugRelatedField(
        slug_field="number", queryset=Campaign.objects.all(), required=False, allow_null=True
    )
    report = serializers.PrimaryKeyRelatedField(queryset=Report.objects.all(), required=False, allow_null=True)
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    deadline = serializers.DateField(required=False, allow_null=True)
    interview_date = serializers.DateField(required=False, allow_null=True)
    interviewee = serializers.CharField(required=False, allow_blank=True, default="")


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(allow_blank=True)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(summary="督办事项列表（区文明办看全部，单位只看本单位）"),
    create=extend_schema(request=SupervisionOrderCreateSerializer, summary="下发督办事项（仅区文明办）"),
)
class SupervisionOrderViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = SupervisionOrderSerializer
    filterset_class = SupervisionOrderFilterSet

    def get_queryset(self):
        return supervision_orders_visible_to(self.request.user).select_related(
            "agency", "campaign", "issued_by", "answered_by", "closed_by"
        )

    def create(self, request, *args, **kwargs):
        if not can_issue_order(request.user):
            raise PermissionDenied("仅区文明办可以下发督办事项。")
        incoming = SupervisionOrderCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        order = _run(supervision_order_issue, actor=request.user, today=timezone.localdate(), **incoming.validated_data)
        return Response(SupervisionOrderSerializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AnswerSerializer, responses=SupervisionOrderSerializer, summary="单位答复")
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        incoming = AnswerSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        order = _run(supervision_order_answer, actor=request.user, order=self.get_object(), **incoming.validated_data)
        return Response(SupervisionOrderSerializer(order).data)

    @extend_schema(request=CommentSerializer, responses=SupervisionOrderSerializer, summary="区文明办办结")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        incoming = CommentSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        order = _run(supervision_order_close, actor=request.user, order=self.get_object(), **incoming.validated_data)
        return Response(SupervisionOrderSerializer(order).data)

    @extend_schema(request=CommentSerializer, responses=SupervisionOrderSerializer, summary="区文明办退回重新答复")
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        incoming = CommentSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        order = _run(
            supervision_order_send_back, actor=request.user, order=self.get_object(), **incoming.validated_data
        )
        return Response(SupervisionOrderSerializer(order).data)


class DashboardAPIView(APIView):
    """``GET /api/v1/dashboard/?month=YYYY-MM``: the month's matrix, rates and ranking (office only)."""

    permission_classes = [IsOffice]

    @extend_schema(
        parameters=[OpenApiParameter("month", str, description="报告月份 YYYY-MM，默认上月")],
        responses={200: dict},
        summary="工作看板：报送矩阵、月度报送率与按时率、单位排名",
    )
    def get(self, request):
        form = DashboardMonthForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        today = timezone.localdate()
        month = form.cleaned_data["month"] or default_month(today)
        return Response(dashboard_json(dashboard(month=month, today=today)))


def dashboard_json(data: Dashboard) -> dict:
    return {
        "month": f"{data.month:%Y-%m}",
        "today": data.today,
        "due_date": data.due_date,
        "agencies": [{"id": agency.pk, "name": agency.name} for agency in data.agencies],
        "matrix": [
            {
                "campaign": row.campaign.number,
                "title": row.campaign.title,
                "cells": [
                    {
                        "agency": cell.agency.name,
                        "state": cell.state.value,
                        "state_display": cell.state.label,
                        "report": cell.report_id,
                        "due_date": cell.due_date,
                    }
                    for cell in row.cells
                    if cell is not None
                ],
            }
            for row in data.rows
        ],
        "state_counts": data.state_counts,
        "rates": [
            {
                "month": f"{rate.month:%Y-%m}",
                "owed": rate.owed,
                "submitted": rate.submitted,
                "on_time": rate.on_time,
                "accepted": rate.accepted,
                "submission_rate": rate.submission_rate,
                "on_time_rate": rate.on_time_rate,
                "acceptance_rate": rate.acceptance_rate,
            }
            for rate in data.trend
        ],
        "ranking": [
            {
                "rank": entry.rank,
                "agency": entry.agency.name,
                "owed": entry.owed,
                "submitted": entry.submitted,
                "on_time": entry.on_time,
                "accepted": entry.accepted,
                "on_time_rate": entry.on_time_rate,
                "acceptance_rate": entry.acceptance_rate,
                "open_rectifications": entry.open_rectifications,
                "score": entry.score,
            }
            for entry in data.ranking
        ],
        "overdue": [
            {
                "campaign": item.cell.campaign.number,
                "agency": item.cell.agency.name,
                "due_date": item.cell.due_date,
                "days_overdue": item.days_overdue,
                "reminders": item.reminders,
            }
            for item in data.overdue
        ],
        "review_queue": data.review_queue,
    }
