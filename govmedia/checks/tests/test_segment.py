"""Word boundaries around hits: the segmenter and its agreement with jieba."""

from __future__ import annotations

import pytest

from govmedia.checks import segment

from .test_real_prose import CORRECT, SLIPS, STRADDLING


def test_a_key_standing_alone_is_aligned_and_one_straddling_two_words_is_not():
    segment.add_keys(["商确", "座落"])
    text = "双方协商确定，此事有待商确。该楼座落于市中心，一座落后的村庄。"
    first = text.index("商确")
    second = text.index("商确", first + 1)
    assert not segment.aligned(text, first, first + 2)
    assert segment.aligned(text, second, second + 2)
    a = text.index("座落")
    b = text.index("座落", a + 1)
    assert segment.aligned(text, a, a + 2)
    assert not segment.aligned(text, b, b + 2)


@pytest.mark.slow
def test_the_rust_segmenter_cuts_like_jieba():
    # The reference: jieba's own tokenizer with the same user dictionary and keys.
    import jieba

    reference = jieba.Tokenizer()
    reference.initialize()
    reference.load_userdict(str(segment.USER_DICT))
    keys = ["商确", "录相", "善长", "自已", "定阅", "既使", "籍口", "座落", "竟争", "按装"]
    keys += ["按排", "回教", "北朝鲜", "卫生部", "建设部", "交通部", "做为", "报导", "好象"]
    segment.add_keys(keys)
    # Every key the shared segmenter holds (other tests' matchers may have added more).
    for key in sorted(segment._added):
        reference.add_word(key, max(segment.KEY_FREQUENCY, reference.FREQ.get(key) or 0))
    rust = segment._get_segmenter()
    for text, *_ in STRADDLING + SLIPS + CORRECT:
        assert rust.cut(text, False) == list(reference.cut(text, HMM=False)), text


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet="协商确定有待此事录相关摘，。 ", max_size=30))
def test_word_boundaries_only_ever_remove_hits(text):
    from govmedia.checks.matcher import Matcher
    from govmedia.checks.normalize import normalize

    from .helpers import entry

    words = ["商确", "录相", "确定"]
    anywhere = Matcher([entry(w, "typo", boundary="any") for w in words]).find(normalize(text))
    aligned = Matcher([entry(w, "typo", boundary="word") for w in words]).find(normalize(text))
    spans = {(h.entry.term, h.start, h.end) for h in anywhere}
    assert {(h.entry.term, h.start, h.end) for h in aligned} <= spans
    for h in anywhere:
        if h.entry.term == "商确" and text[max(0, h.start - 1) : h.end + 1] == "协商确定":
            assert (h.entry.term, h.start, h.end) not in {
                (a.entry.term, a.start, a.end) for a in aligned
            }
