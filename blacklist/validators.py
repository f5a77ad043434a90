"""Check digits of the two identifiers of credit subjects (section 四.1, DESIGN §5).

``validate_credit_code`` follows GB 32100-2015 (unified social credit code), ``validate_id_number``
GB 11643-1999 (resident ID, ISO 7064 MOD 11-2). Both raise ``ValidationError`` with a Chinese
message that names the wrong character, and return the normalised value (upper case, no spaces)
so callers can validate and normalise in one step.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # Wi = 3^(i-1) mod 31, i = 1..17

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK_CHARS = "10X98765432"


def normalise(value: str | None) -> str:
    """Upper case without surrounding or inner blanks (Excel cells often carry them)."""
    return "".join(str(value or "").split()).upper()


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code whose first 17 characters are given."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def id_check_char(first17: str) -> str:
    """The 18th character of a resident ID number whose first 17 digits are given."""
    return ID_CHECK_CHARS[sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_credit_code(value: str | None) -> str:
    """Validate an 18-character unified social credit code and return it normalised."""
    code = normalise(value)
    if len(code) != 18:
        raise ValidationError(
            "统一社会信用代码应为18位，当前为%(length)s位。", code="credit_code_length", params={"length": len(code)}
        )
    # The 18th character is judged by the check digit alone, so the message names the right one.
    for position, char in enumerate(code[:17], start=1):
        if char not in CREDIT_CODE_ALPHABET:
            raise ValidationError(
                "统一社会信用代码第%(position)s位“%(char)s”不是允许的字符（允许数字和除I、O、Z、S、V外的大写字母）。",
                code="credit_code_char",
                params={"position": position, "char": char},
            )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            "统一社会信用代码第18位校验位应为%(expected)s，而不是%(actual)s。",
            code="credit_code_check",
            params={"expected": expected, "actual": code[17]},
        )
    return code


def validate_id_number(value: str | None) -> str:
    """Validate an 18-digit resident ID number (birth date and check digit) and return it normalised."""
    number = normalise(value)
    if len(number) != 18:
        raise ValidationError(
            "身份证号码应为18位，当前为%(length)s位。", code="id_length", params={"length": len(number)}
        )
    for position, char in enumerate(number[:17], start=1):
        if not char.isascii() or not char.isdigit():
            raise ValidationError(
                "身份证号码第%(position)s位“%(char)s”应为数字。",
                code="id_char",
                params={"position": position, "char": char},
            )
    try:
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            "身份证号码第7–14位出生日期“%(birth)s”不是有效日期。", code="id_birth", params={"birth": number[6:14]}
        ) from None
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            "身份证号码第18位校验位应为%(expected)s，而不是%(actual)s。",
            code="id_check",
            params={"expected": expected, "actual": number[17]},
        )
    return number


def mask_id_number(value: str | None) -> str:
    """The ID number with positions 11–14 hidden, as the court's list shows it: ``3423011964****3224``."""
    number = normalise(value)
    if len(number) != 18:
        return "*" * len(number)
    return f"{number[:10]}****{number[14:]}"


def make_credit_code(first17: str) -> str:
    """A valid code from its first 17 characters (demo data and tests)."""
    return first17 + credit_code_check_char(first17)


def make_id_number(first17: str) -> str:
    """A valid ID number from its first 17 digits (demo data and tests)."""
    return first17 + id_check_char(first17)
