"""Evasive spellings of sensitive entries are found; ordinary prose stays quiet."""

import pytest

from govmedia.checks.engine import Engine
from govmedia.checks.lists import load_builtin_lists
from govmedia.checks.measure.importguard import find_corpora

from .helpers import engine, entry


@pytest.fixture(scope="module")
def builtin() -> Engine:
    entries, _ = load_builtin_lists()
    return Engine(entries, privacy=False, formatting=False)


def sensitive(report) -> list[str]:
    return [f.text for f in report.findings if f.category == "sensitive"]


LOOK_ALIKE = "用形近字符书写"
INVISIBLE = "夹杂不可见字符"


@pytest.mark.parametrize(
    "text, found, how",
    [
        ("本店出售银⾏卡，价格优惠", "出售银⾏卡", LOOK_ALIKE),
        ("网上出售管制⼑具", "出售管制⼑具", LOOK_ALIKE),
        ("代\u180e开\u180e发\u180e票", "代\u180e开\u180e发\u180e票", INVISIBLE),
        ("代\ufe0f开\ufe0f发\ufe0f票", "代\ufe0f开\ufe0f发\ufe0f票", INVISIBLE),
        ("代\u034f开发票", "代\u034f开发票", INVISIBLE),
        ("代\u3164开\u3164发\u3164票", "代\u3164开\u3164发\u3164票", INVISIBLE),
        ("代\u0301开\u0301发\u0301票", "代\u0301开\u0301发\u0301票", INVISIBLE),
        ("代\U000e0041开\U000e0042发票", "代\U000e0041开\U000e0042发票", INVISIBLE),
        ("快来代🍎开🍎发🍎票", "代🍎开🍎发🍎票", "夹杂表情符号"),
    ],
)
def test_folded_and_invisible_spellings_of_a_sensitive_word_are_found(builtin, text, found, how):
    findings = [f for f in builtin.check(text).findings if f.category == "sensitive"]
    assert [f.text for f in findings] == [found]
    assert findings[0].reason.endswith(how)


def test_a_plainly_written_sensitive_word_names_no_disguise(builtin):
    findings = [f for f in builtin.check("代开發票，代 开 发 票").findings]
    assert [f.text for f in findings if f.category == "sensitive"] == ["代开發票", "代 开 发 票"]
    assert not any(word in f.reason for f in findings for word in ("形近", "不可见", "表情"))


def test_emoji_in_ordinary_prose_give_no_finding(builtin):
    report = builtin.check(
        "祝大家新年快乐🎉！我们的发展🚀离不开每一位同志👍，开发票务系统顺利上线。"
    )
    assert sensitive(report) == []


@pytest.mark.parametrize(
    "text, found, reason",
    [
        ("加微信代a开b发c票", "代a开b发c票", "敏感词“代开发票”的字间夹杂字母"),
        ("代1开2发3票，量大从优", "代1开2发3票", "敏感词“代开发票”的字间夹杂数字"),
        ("代 1 开 2 发 3 票", "代 1 开 2 发 3 票", "敏感词“代开发票”的字间夹杂数字"),
        ("专业daikaifapiao，电话联系", "daikaifapiao", "敏感词“代开发票”的拼音变体"),
        ("Dai Kai Fa Piao", "Dai Kai Fa Piao", "敏感词“代开发票”的拼音变体"),
        ("本公司DKFP业务", "DKFP", "敏感词“代开发票”的拼音首字母变体"),
        ("长期代开发漂", "代开发漂", "敏感词“代开发票”的同音字变体（漂→票）"),
    ],
)
def test_disguised_spellings_are_found_and_say_why(builtin, text, found, reason):
    report = builtin.check(text)
    assert [
        (f.text, f.severity, f.reason) for f in report.findings if f.category == "sensitive"
    ] == [(found, "blocking", reason)]


@pytest.mark.parametrize(
    "text",
    [
        "代1开b发3票",  # mixed fillers are not systematic
        "代开1发2票",  # a pair without filler
        "依照本法第3条第4款第5项的规定，2023年1月1日起施行。",
        "创建A级景区，B类企业和C级资质按第1号令执行。",
        "编号dkfpx和adaikaifapiao都不是独立的词",
    ],
)
def test_ordinary_letters_digits_and_pinyin_give_no_finding(builtin, text):
    assert sensitive(builtin.check(text)) == []


def test_only_sensitive_entries_get_disguised_variants():
    report = engine(entry("按装调试", "typo", suggestion="安装调试")).check(
        "an zhuang tiao shi，按1装2调3试，暗装调试"
    )
    assert report.findings == []


CORPUS = find_corpora() / "laws"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpora is not available")
def test_no_disguised_spelling_fires_on_real_prose(builtin):
    """300 files (every 12th) of the laws corpus: no finding comes from a variant or filler."""
    files = sorted(CORPUS.glob("*.txt"))[::12][:300]
    fired = [
        (path.name, f.text, f.reason)
        for path in files
        for f in builtin.check(path.read_text(encoding="utf-8")).findings
        if f.reason.startswith("敏感词")
    ]
    assert fired == []


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet="代开发票1az\U0001f600\ud800", max_size=40))
def test_filler_runs_found_on_the_projection_are_those_of_the_regex(text):
    from govmedia.checks.variants import _FILLER_RUN_RE, _filler_runs

    assert list(_filler_runs(text)) == [m.span() for m in _FILLER_RUN_RE.finditer(text)]
