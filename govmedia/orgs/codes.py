"""Check digits of Chinese organisation codes, from the standards' definitions.

Two codes identify a department:

- 统一社会信用代码, GB 32100-2015: 18 characters from a 31-character set (the
  digits and the capital letters without I, O, Z, S and V, which are too easily
  mistaken for 1, 0, 2, 5 and U). Each character stands for its position in
  that set (0..30). The 18th is the check character: with weights
  ``3**(i-1) mod 31`` for positions i = 1..17, it is the character whose value
  is ``31 - (sum mod 31)``, where 31 becomes 0.
- 组织机构代码, GB 11714-1997: 8 body characters (digits and capital letters,
  A = 10 … Z = 35) and a check character, often written after a hyphen. With
  weights 3, 7, 9, 10, 5, 8, 4, 2 the check value is ``11 - (sum mod 11)``,
  where 10 is written ``X`` and 11 is written ``0``.

The modulus and weights are the standards' own, not settings: a different
number would be a different standard. No Django here; the validators in
``orgs.models`` wrap these functions.
"""

from __future__ import annotations

import string

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
USCC_MODULUS = 31
USCC_WEIGHTS = tuple(pow(3, i, USCC_MODULUS) for i in range(USCC_LENGTH - 1))

ORG_CODE_CHARSET = string.digits + string.ascii_uppercase
ORG_CODE_BODY_LENGTH = 8
ORG_CODE_MODULUS = 11
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(body: str) -> str:
    """The 18th character of a 统一社会信用代码 whose first 17 characters are `body`.

    Raises ValueError when `body` is not 17 characters of the code's character set.
    """
    if len(body) != USCC_LENGTH - 1 or any(c not in USCC_CHARSET for c in body):
        raise ValueError(f"{body!r} is not 17 characters of the GB 32100 character set")
    total = sum(
        USCC_CHARSET.index(char) * weight for char, weight in zip(body, USCC_WEIGHTS, strict=True)
    )
    return USCC_CHARSET[(USCC_MODULUS - total % USCC_MODULUS) % USCC_MODULUS]


def org_code_check_char(body: str) -> str:
    """The 9th character of a 组织机构代码 whose first 8 characters are `body`."""
    if len(body) != ORG_CODE_BODY_LENGTH or any(c not in ORG_CODE_CHARSET for c in body):
        raise ValueError(f"{body!r} is not 8 digits or capital letters")
    total = sum(
        ORG_CODE_CHARSET.index(char) * weight
        for char, weight in zip(body, ORG_CODE_WEIGHTS, strict=True)
    )
    value = ORG_CODE_MODULUS - total % ORG_CODE_MODULUS
    return {10: "X", 11: "0"}.get(value, str(value))


def is_valid_uscc(code: str) -> bool:
    """Whether `code` is 18 characters of the GB 32100 set with the right check character."""
    if len(code) != USCC_LENGTH or any(c not in USCC_CHARSET for c in code):
        return False
    return uscc_check_char(code[:-1]) == code[-1]


def is_valid_org_code(code: str) -> bool:
    """Whether `code` (``XXXXXXXX-X`` or ``XXXXXXXXX``) has the right GB 11714 check character."""
    compact = code.replace("-", "", 1) if len(code) == 10 and code[8] == "-" else code
    if len(compact) != ORG_CODE_BODY_LENGTH + 1 or "-" in compact:
        return False
    body, check = compact[:-1], compact[-1]
    if any(c not in ORG_CODE_CHARSET for c in body):
        return False
    return org_code_check_char(body) == check
