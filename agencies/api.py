"""Read-only API of the agencies: public, since the plan names them publicly."""

from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from .models import Agency


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
