"""OpenAPI generation: every operation documents the error responses it can give.

drf-spectacular documents the success response of each operation; this schema class adds the
errors DRF itself produces, so clients (and schemathesis in CI) find every status code in the
schema: 400 (invalid filter, body or page), 403 (not logged in or not allowed), 404 (no such
object, or an object the caller may not see), 415 (wrong body type) and 429 (rate limited).
"""

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny

ERROR_SCHEMA = {
    "type": "object",
    "description": "错误说明：detail 为总体说明；字段校验错误时以字段名为键、消息列表为值。",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}

ERROR_DESCRIPTIONS = {
    "400": "请求参数或内容有误（按字段给出中文说明）",
    "403": "未登录或无权访问",
    "404": "对象不存在，或您无权查看",
    "415": "请求内容类型不受支持",
    "429": "请求过于频繁，请稍后再试",
}


class PortalAutoSchema(AutoSchema):
    def _error_codes(self) -> list[str]:
        codes = ["400", "404"]
        if not all(issubclass(cls, AllowAny) for cls in getattr(self.view, "permission_classes", [])):
            codes.append("403")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        if getattr(self.view, "throttle_classes", None):
            codes.append("429")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            responses.setdefault(
                code,
                {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                },
            )
        return responses
