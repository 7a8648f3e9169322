"""Check characters of 统一社会信用代码 (GB 32100-2015) and 组织机构代码 (GB 11714-1997)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from govmedia.orgs.codes import (
    is_valid_org_code,
    is_valid_uscc,
    org_code_check_char,
    uscc_check_char,
)
from govmedia.orgs.models import Department, DepartmentKind, validate_org_code

CHARSET_31 = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def reference_uscc_check(body: str) -> str:
    # Straight from the definition: weight of position i (from 1) is 3^(i-1) mod 31.
    total = 0
    for i, char in enumerate(body, start=1):
        total += CHARSET_31.index(char) * (3 ** (i - 1) % 31)
    return CHARSET_31[(31 - total % 31) % 31]


def test_it_agrees_with_hand_worked_examples():
    # 9·1 + 1·3 + 3·9 + 5·27 + 1·26 + M(21)·20 + 1·8 + Y(30)·30 + 4·28 = 1640; 1640 mod 31 = 28; 31 − 28 = 3.
    assert uscc_check_char("91350100M000100Y4") == "3"
    # 1·1 + 2·3 + 1·9 + 4·20 = 96; 96 mod 31 = 3; 31 − 3 = 28, the 29th character: W.
    assert uscc_check_char("12100000400000000") == "W"
    # D(13)·3 + 2·7 + 1·9 + 4·10 + 3·5 + 5·8 + 6·4 + 9·2 = 199; 199 mod 11 = 1; 11 − 1 = 10: X.
    assert org_code_check_char("D2143569") == "X"
    # 0 everywhere: 11 − 0 = 11, written 0.
    assert org_code_check_char("00000000") == "0"


@pytest.mark.parametrize(
    "body", ["91350100M000100Y4", "11000000MB0000001", "52440300MJL123456", "Y1110108QWERTYUPX"]
)
def test_it_computes_the_gb_32100_check_character_by_the_definition(body):
    assert uscc_check_char(body) == reference_uscc_check(body)
    assert is_valid_uscc(body + reference_uscc_check(body))


def test_it_refuses_every_wrong_check_character():
    body = "11000000MB0000001"
    right = uscc_check_char(body)

    wrong = [c for c in CHARSET_31 if c != right]

    assert not any(is_valid_uscc(body + c) for c in wrong)
    assert len(wrong) == 30


def test_it_catches_a_swapped_pair_of_characters():
    code = "91350100M000100Y43"
    swapped = code[:2] + code[3] + code[2] + code[4:]

    assert is_valid_uscc(code)
    assert not is_valid_uscc(swapped)


@pytest.mark.parametrize(
    "code",
    ["91350100M000100Y4I", "91350100M000100O43", "9135010M000100Y43", "91350100m000100y43"],
)
def test_it_refuses_characters_outside_the_set_and_wrong_lengths(code):
    assert not is_valid_uscc(code)


@pytest.mark.parametrize("code", ["D2143569-X", "D2143569X", "00000000-0", "80210043-3"])
def test_it_accepts_organisation_codes_with_or_without_the_hyphen(code):
    assert is_valid_org_code(code)


@pytest.mark.parametrize("code", ["D2143569-1", "D2143569--X", "D214356-9X", "D2143569"])
def test_it_refuses_bad_organisation_codes(code):
    assert not is_valid_org_code(code)


def test_the_model_field_explains_a_wrong_check_character_in_chinese(db):
    department = Department(name="甲局", kind=DepartmentKind.DEPARTMENT, code="91350100M000100Y44")

    with pytest.raises(ValidationError) as caught:
        department.full_clean()

    assert "统一社会信用代码“91350100M000100Y44”的校验码不正确" in caught.value.messages[0]


def test_the_validator_tells_format_from_check_character():
    with pytest.raises(ValidationError) as caught:
        validate_org_code("12345")
    assert caught.value.code == "invalid"

    with pytest.raises(ValidationError) as caught:
        validate_org_code("D2143569-1")
    assert caught.value.code == "check_digit"
    assert "GB 11714" in caught.value.messages[0]

    validate_org_code("91350100M000100Y43")
