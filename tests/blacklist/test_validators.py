"""Check digits of credit codes and ID numbers (DESIGN §5), masking and encryption at rest."""

import pytest
from django.core.exceptions import ValidationError

from blacklist.crypto import decrypt_id_number, encrypt_id_number, id_number_hash
from blacklist.validators import mask_id_number, validate_credit_code, validate_id_number


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91610000220522345A"])
def test_design_valid_credit_codes(code):
    """DESIGN §5's valid unified social credit codes pass."""
    assert validate_credit_code(code) == code


def test_design_invalid_credit_code_names_the_check_digit():
    """DESIGN §5's invalid code fails with a message naming position 18 and the right character."""
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91350100M000100Y4Z")
    assert error.value.messages == ["统一社会信用代码第18位校验位应为3，而不是Z。"]


def test_credit_code_is_normalised():
    """Lower case and blanks (as Excel cells carry them) are normalised away."""
    assert validate_credit_code(" 91610000220522345a ") == "91610000220522345A"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9135010", "统一社会信用代码应为18位，当前为7位。"),
        ("91350100M0001OOY43", "统一社会信用代码第14位“O”不是允许的字符（允许数字和除I、O、Z、S、V外的大写字母）。"),
        ("", "统一社会信用代码应为18位，当前为0位。"),
    ],
)
def test_malformed_credit_codes(code, message):
    """Wrong length and characters outside the GB 32100 alphabet are named."""
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.messages == [message]


def test_design_valid_id_number():
    """DESIGN §5's valid resident ID passes (check digit X), lower-case x included."""
    assert validate_id_number("11010519491231002X") == "11010519491231002X"
    assert validate_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("110105194912310021", "身份证号码第18位校验位应为X，而不是1。"),
        ("11010519491231002", "身份证号码应为18位，当前为17位。"),
        ("1101051949123100AX", "身份证号码第17位“A”应为数字。"),
        ("110105194913310025", "身份证号码第7–14位出生日期“19491331”不是有效日期。"),
    ],
)
def test_invalid_id_numbers(number, message):
    """A wrong check digit, length, character or birth date is named in the message."""
    with pytest.raises(ValidationError) as error:
        validate_id_number(number)
    assert error.value.messages == [message]


def test_mask_hides_positions_11_to_14():
    """The masked ID hides positions 11–14, as the court's list does."""
    assert mask_id_number("342301196410123224") == "3423011964****3224"


def test_encryption_round_trip_and_keyed_hash():
    """The ciphertext does not contain the number; the hash is stable and keyed."""
    token = encrypt_id_number("11010519491231002X")
    assert "11010519491231002X" not in token
    assert decrypt_id_number(token) == "11010519491231002X"
    assert id_number_hash("11010519491231002x") == id_number_hash("11010519491231002X")
    assert len(id_number_hash("11010519491231002X")) == 64


def test_hash_depends_on_key(settings):
    """A different ID_HASH_KEY gives a different hash: a dump alone cannot be matched to IDs."""
    before = id_number_hash("11010519491231002X")
    settings.ID_HASH_KEY = "another-key"
    assert id_number_hash("11010519491231002X") != before
