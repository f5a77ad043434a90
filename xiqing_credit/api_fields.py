"""Serializer fields shared by the apps' APIs."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MONTH_SCHEMA = {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2026-10"}


@extend_schema_field(MONTH_SCHEMA)
class MonthField(serializers.DateField):
    """A month as ``YYYY-MM`` on the wire, the first day of that month in the database."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m")
        kwargs.setdefault("input_formats", ["%Y-%m"])
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        return super().to_internal_value(value).replace(day=1)
