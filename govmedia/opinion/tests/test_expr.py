"""监测方案 keyword expressions."""

from __future__ import annotations

import pytest

from govmedia.opinion.expr import ExpressionError, compile_expression


def test_boolean_operators_and_parentheses_over_normalised_text() -> None:
    e = compile_expression("(停水 OR 断水) AND 东城 NOT 演练")
    assert e.matches("東城區今天停\u200b水了")
    assert not e.matches("东城停水演练") and not e.matches("西城停水")


def test_chinese_operators_juxtaposition_and_minus() -> None:
    assert compile_expression("停水 或 断水 与 非 演练").matches("断水")
    assert compile_expression("化工厂 泄漏 -演练").matches("化工厂发生泄漏")
    assert not compile_expression("化工厂 泄漏 -演练").matches("化工厂泄漏演练")
    assert compile_expression("或者").matches("或者")


def test_quoted_phrases_and_proximity() -> None:
    assert compile_expression('"自来水 公司" NEAR/5 回应').matches("自来水公司至今没有回应")
    assert not compile_expression("自来水公司 NEAR/2 回应").matches("自来水公司至今没有回应")
    assert compile_expression("回应 邻近/4 自来水").matches("自来水公司回应")


@pytest.mark.parametrize(
    ("source", "position", "zh"),
    [
        ("(停水 OR", 6, "不完整"),
        ("OR 停水", 0, "应为关键词"),
        ("停水)", 2, "右括号"),
        ('"停水', 0, "引号"),
        ("", 0, "为空"),
        ("A NEAR/3 (B OR C)", 2, "邻近"),
    ],
)
def test_a_bad_expression_says_where_and_what_in_both_languages(
    source: str, position: int, zh: str
) -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source)
    assert caught.value.position == position
    assert zh in caught.value.message_zh and f"position {position}" in str(caught.value)
