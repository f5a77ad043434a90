"""Writes on agencies and accounts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import get_random_string

from .models import Agency, User


def user_create(*, username: str, agency_name: str, role: str, password: str | None = None) -> tuple[User, str]:
    """Create a portal account bound to one agency with one role; returns the user and password.

    Office reviewers must belong to 区文明办 (section 二: the office supervises the others).
    """
    if role not in User.Role.values:
        choices = "、".join(User.Role.values)
        raise ValidationError(f"未知角色“{role}”，可选：{choices}。")
    try:
        agency = Agency.objects.by_name(agency_name)
    except Agency.DoesNotExist:
        raise ValidationError(f"未找到单位“{agency_name}”，请先运行 load_plan 或检查单位名称。") from None
    if role == User.Role.OFFICE and not agency.is_office:
        raise ValidationError(f"区文明办审核员必须属于区文明办，而不是“{agency.name}”。")
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"用户名“{username}”已存在。")
    password = password or get_random_string(12)
    user = User(
        username=username,
        agency=agency,
        role=role,
        is_staff=role == User.Role.ADMIN,
        is_superuser=role == User.Role.ADMIN,
    )
    user.set_password(password)
    with transaction.atomic():
        user.full_clean()
        user.save()
    return user, password
