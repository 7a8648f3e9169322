"""Evasive spellings of sensitive entries are found; ordinary prose stays quiet."""

import pytest

from govmedia.checks.engine import Engine
from govmedia.checks.lists import load_builtin_lists


@pytest.fixture(scope="module")
def builtin() -> Engine:
    entries, _ = load_builtin_lists()
    return Engine(entries, privacy=False, formatting=False)


def sensitive(report) -> list[str]:
    return [f.text for f in report.findings if f.category == "sensitive"]


@pytest.mark.parametrize(
    "text, found",
    [
        ("本店出售银⾏卡，价格优惠", "出售银⾏卡"),
        ("网上出售管制⼑具", "出售管制⼑具"),
        ("代\u180e开\u180e发\u180e票", "代\u180e开\u180e发\u180e票"),
        ("代\ufe0f开\ufe0f发\ufe0f票", "代\ufe0f开\ufe0f发\ufe0f票"),
        ("代\u034f开发票", "代\u034f开发票"),
        ("代\u3164开\u3164发\u3164票", "代\u3164开\u3164发\u3164票"),
        ("代\u0301开\u0301发\u0301票", "代\u0301开\u0301发\u0301票"),
        ("代\U000e0041开\U000e0042发票", "代\U000e0041开\U000e0042发票"),
        ("快来代🍎开🍎发🍎票", "代🍎开🍎发🍎票"),
    ],
)
def test_folded_and_invisible_spellings_of_a_sensitive_word_are_found(builtin, text, found):
    assert sensitive(builtin.check(text)) == [found]


def test_emoji_in_ordinary_prose_give_no_finding(builtin):
    report = builtin.check(
        "祝大家新年快乐🎉！我们的发展🚀离不开每一位同志👍，开发票务系统顺利上线。"
    )
    assert sensitive(report) == []
