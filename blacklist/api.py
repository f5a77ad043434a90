"""REST API of list entries and repair applications (staff only; the public API is separate).

``/api/v1/list-entries/``: list, retrieve, propose (POST), and the actions ``publish``,
``remove`` and ``import``; ``/api/v1/repair-applications/``: list, retrieve, ``decide``.
Every write goes through ``services.py``; who may see what comes from ``permissions.py``.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from agencies.models import Agency
from campaigns.models import Campaign

from . import permissions, services
from .excel import ImportFileError
from .filters import ListEntryFilterSet, RepairApplicationFilterSet
from .models import CreditSubject, ListEntry, RepairApplication


class IsStaffRole(BasePermission):
    """Agency reporters and office reviewers."""

    def has_permission(self, request, view):
        return bool(request.user.is_authenticated and (request.user.is_office or request.user.is_reporter))


def drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's ValidationError as DRF's, keeping the field names."""
    if hasattr(error, "error_dict"):
        detail = {
            ("non_field_errors" if name == NON_FIELD_ERRORS else name): messages
            for name, messages in error.message_dict.items()
        }
        return serializers.ValidationError(detail)
    return serializers.ValidationError({"non_field_errors": error.messages})


class ListEntrySerializer(serializers.ModelSerializer):
    subject_type = serializers.ChoiceField(source="subject.subject_type", choices=CreditSubject.SubjectType.choices)
    name = serializers.CharField(source="subject.name", max_length=200)
    credit_code = serializers.CharField(source="subject.credit_code", required=False, allow_blank=True, default="")
    id_number = serializers.CharField(
        source="subject.id_number_masked",
        required=False,
        allow_blank=True,
        default="",
        help_text="自然人的18位身份证号码：写入完整号码（加密存储），读取时第11–14位以****隐藏。",
    )
    campaign = serializers.SlugRelatedField(slug_field="number", queryset=Campaign.objects.all())
    severity = serializers.ChoiceField(
        choices=ListEntry.Severity.choices, required=False, allow_blank=True, default="", help_text="黑名单必填"
    )
    deciding_agency = serializers.SlugRelatedField(slug_field="name", queryset=Agency.objects.all())
    proposed_by_agency = serializers.SlugRelatedField(slug_field="name", read_only=True)
    publish_until = serializers.DateField(required=False, allow_null=True, default=None)

    class Meta:
        model = ListEntry
        fields = [
            "id",
            "list",
            "subject_type",
            "name",
            "credit_code",
            "id_number",
            "campaign",
            "severity",
            "reason",
            "basis",
            "deciding_agency",
            "decision_number",
            "decision_date",
            "publish_from",
            "publish_until",
            "status",
            "proposed_by_agency",
            "proposed_at",
            "published_at",
            "expired_at",
            "removed_at",
            "removal_reason",
            "repaired_at",
        ]
        read_only_fields = [
            "status",
            "publish_from",
            "proposed_at",
            "published_at",
            "expired_at",
            "removed_at",
            "removal_reason",
            "repaired_at",
        ]

    def create(self, validated_data):
        subject = validated_data.pop("subject")
        data = services.EntryInput(
            list=validated_data["list"],
            subject_type=subject["subject_type"],
            name=subject["name"],
            credit_code=subject.get("credit_code", ""),
            id_number=subject.get("id_number_masked", ""),
            campaign=validated_data["campaign"],
            severity=validated_data.get("severity", ""),
            reason=validated_data["reason"],
            basis=validated_data["basis"],
            deciding_agency=validated_data["deciding_agency"],
            decision_number=validated_data["decision_number"],
            decision_date=validated_data["decision_date"],
            publish_until=validated_data.get("publish_until"),
        )
        try:
            return services.entry_propose(actor=self.context["request"].user, data=data)
        except DjangoValidationError as error:
            raise drf_error(error) from None


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="移出原因")


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="按导入模板填写的 .xlsx 文件")


ImportErrorSerializer = inline_serializer(
    name="ListImportErrors",
    fields={
        "errors": inline_serializer(
            name="ListImportError",
            fields={
                "row": serializers.IntegerField(allow_null=True, help_text="Excel 行号；整个文件的问题为 null"),
                "column": serializers.CharField(help_text="列名，如“统一社会信用代码”"),
                "message": serializers.CharField(),
            },
            many=True,
        )
    },
)
ImportedSerializer = inline_serializer(
    name="ListImportResult", fields={"imported": serializers.IntegerField(), "import_id": serializers.IntegerField()}
)

VALIDATION_400 = OpenApiResponse(OpenApiTypes.OBJECT, description="输入有误：按字段给出中文错误说明。")
FORBIDDEN_403 = OpenApiResponse(OpenApiTypes.OBJECT, description="无权操作（如单位为其他单位提出、单位发布或移出）。")
NOT_FOUND_404 = OpenApiResponse(OpenApiTypes.OBJECT, description="条目不存在或不在本单位可见范围内。")


@extend_schema_view(
    list=extend_schema(summary="名单条目列表", responses={200: ListEntrySerializer(many=True), 403: FORBIDDEN_403}),
    retrieve=extend_schema(
        summary="名单条目详情", responses={200: ListEntrySerializer, 403: FORBIDDEN_403, 404: NOT_FOUND_404}
    ),
    create=extend_schema(
        summary="提出名单条目（状态为待发布）",
        responses={201: ListEntrySerializer, 400: VALIDATION_400, 403: FORBIDDEN_403},
    ),
)
class ListEntryViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ListEntrySerializer
    filterset_class = ListEntryFilterSet
    permission_classes = [IsAuthenticated, IsStaffRole]

    def get_queryset(self):
        return permissions.entries_visible_to(self.request.user).with_related()

    @extend_schema(
        summary="发布（仅区文明办）",
        request=None,
        responses={200: ListEntrySerializer, 400: VALIDATION_400, 403: FORBIDDEN_403, 404: NOT_FOUND_404},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        try:
            entry = services.entry_publish(actor=request.user, entry=self.get_object())
        except DjangoValidationError as error:
            raise drf_error(error) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=entry.pk)).data)

    @extend_schema(
        summary="移出名单（仅区文明办，需填写原因）",
        request=ReasonSerializer,
        responses={200: ListEntrySerializer, 400: VALIDATION_400, 403: FORBIDDEN_403, 404: NOT_FOUND_404},
    )
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        entry = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.entry_remove(actor=request.user, entry=entry, reason=body.validated_data["reason"])
        except DjangoValidationError as error:
            raise drf_error(error) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=entry.pk)).data)

    @extend_schema(
        summary="Excel 批量导入（全部行无误才写入）",
        request={"multipart/form-data": ImportSerializer},
        responses={201: ImportedSerializer, 400: ImportErrorSerializer, 403: FORBIDDEN_403},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_(self, request):
        body = ImportSerializer(data=request.data)
        if not body.is_valid():
            message = "请以 multipart 字段 file 上传 .xlsx 文件。"
            return Response({"errors": [{"row": None, "column": "", "message": message}]}, status=400)
        try:
            list_import = services.list_import_create(actor=request.user, uploaded_file=body.validated_data["file"])
        except ImportFileError as error:
            return Response({"errors": [{"row": None, "column": "", "message": str(error)}]}, status=400)
        list_import = services.list_import_run(list_import=list_import, today=timezone.localdate())
        if list_import.status != list_import.Status.SUCCEEDED:
            errors = list_import.errors or [{"row": None, "column": "", "message": list_import.message}]
            return Response({"errors": errors, "import_id": list_import.pk}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"imported": list_import.imported_count, "import_id": list_import.pk}, status=status.HTTP_201_CREATED
        )


class RepairEvidenceSerializer(serializers.Serializer):
    filename = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()


class RepairApplicationSerializer(serializers.ModelSerializer):
    subject_name = serializers.CharField(source="entry.subject.name", read_only=True)
    grounds = serializers.ListField(child=serializers.ChoiceField(choices=RepairApplication.Ground.choices))
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    evidence = RepairEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = RepairApplication
        fields = [
            "id",
            "entry",
            "subject_name",
            "grounds",
            "statement",
            "commitment",
            "commitment_signed_by",
            "applicant_name",
            "contact_phone",
            "contact_email",
            "evidence",
            "status",
            "submitted_at",
            "due_date",
            "decided_at",
            "decided_by",
            "decision_reason",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "准予修复"), ("reject", "不予修复")])
    reason = serializers.CharField(help_text="决定理由")


@extend_schema_view(
    list=extend_schema(summary="信用修复申请列表", responses={200: RepairApplicationSerializer(many=True)}),
    retrieve=extend_schema(
        summary="信用修复申请详情", responses={200: RepairApplicationSerializer, 404: NOT_FOUND_404}
    ),
)
class RepairApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RepairApplicationSerializer
    filterset_class = RepairApplicationFilterSet
    permission_classes = [IsAuthenticated, IsStaffRole]

    def get_queryset(self):
        return (
            permissions.repair_applications_visible_to(self.request.user)
            .select_related("entry__subject", "decided_by")
            .prefetch_related("evidence")
        )

    @extend_schema(
        summary="准予或不予信用修复（区文明办或认定部门）",
        request=DecisionSerializer,
        responses={200: RepairApplicationSerializer, 400: VALIDATION_400, 403: FORBIDDEN_403, 404: NOT_FOUND_404},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        application = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.repair_decide(
                actor=request.user,
                application=application,
                approve=body.validated_data["decision"] == "approve",
                reason=body.validated_data["reason"],
            )
        except DjangoValidationError as error:
            raise drf_error(error) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=application.pk)).data)
