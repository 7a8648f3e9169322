"""``govmedia check-eval privacy`` on its generated set: the goals of issue 9 hold."""

import io

from govmedia.checks.measure.cli import main
from govmedia.checks.measure.privacy import RULES, generate


def test_the_generated_set_covers_every_kind_style_and_look_alike():
    cases = generate(seed=1, per_style=3)
    assert generate(seed=1, per_style=3) == cases  # seeded: the same set every time
    styles = {(c.kind, c.style) for c in cases if c.group == "valid"}
    for kind in ("id18", "residence-permit", "bank-card", "mobile", "plate"):
        assert {s for k, s in styles if k == kind} == {"none", "space", "hyphen", "full-width"}
    assert {c.kind for c in cases if c.group == "look-alike"} >= {
        "编号", "索引号", "文号", "统一社会信用代码", "金额", "订单号", "日期",
    }  # fmt: skip
    assert any("１" in c.text for c in cases if c.style == "full-width")
    assert {"passport", "hk-macao-permit", "taiwan-permit", "id15", "address"} <= {
        c.kind for c in cases if c.group == "valid"
    }
    assert {c.expect for c in cases if c.group == "valid"} == set(RULES.values())


def test_the_privacy_section_meets_its_goals():
    out = io.StringIO()
    status = main(["privacy", "--per-style", "8", "--show-mistakes"], out=out)
    report = out.getvalue()
    assert status == 0, report
    assert "goal recall id18 space (%): 100" in report
    assert "goal false positives on 编号: 0" in report
    assert "MISSED" not in report


def test_the_privacy_section_refuses_an_empty_set():
    out = io.StringIO()
    assert main(["privacy", "--per-style", "0"], out=out) == 2
