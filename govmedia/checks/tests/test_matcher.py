"""The one-pass matcher against a plain reference implementation."""

from __future__ import annotations

import pytest

from govmedia.checks.lists import ListEntry
from govmedia.checks.matcher import Matcher
from govmedia.checks.normalize import gaps_acceptable, normalize

from .helpers import entry


def reference_find(entries: list[ListEntry], text: str) -> set[tuple[str, int, int]]:
    """Naive version of Matcher.find: str.find for every entry, rules applied plainly."""
    norm = normalize(text)
    by_key: dict[tuple[str, str], ListEntry] = {}
    for e in entries:
        by_key[(e.key, e.category)] = e
    hits = []
    for (key, _category), e in by_key.items():
        i = norm.compact.find(key)
        while i >= 0:
            cs, ce = i, i + len(key)
            s, end = norm.span_to_original(cs, ce)
            positions = [norm.to_original(k) for k in range(cs, ce)]
            ascii_ok = not (
                key.isascii()
                and any(c.isalnum() for c in key)
                and (
                    (s > 0 and norm.folded[s - 1].isascii() and norm.folded[s - 1].isalnum())
                    or (
                        end < len(text)
                        and norm.folded[end].isascii()
                        and norm.folded[end].isalnum()
                    )
                )
            )
            if (end - s == ce - cs or gaps_acceptable(text, positions)) and ascii_ok:
                hits.append((cs, ce, s, end, e))
            i = norm.compact.find(key, i + 1)
    allowed = [(h[0], h[1]) for h in hits if h[4].category == "allow"]
    listed = [h for h in hits if h[4].category != "allow"]
    listed = [h for h in listed if not any(a <= h[0] and h[1] <= b for a, b in allowed)]
    kept = [
        h
        for h in listed
        if not any(
            o[4].category == h[4].category
            and o[0] <= h[0]
            and h[1] <= o[1]
            and (o[1] - o[0]) > (h[1] - h[0])
            for o in listed
        )
    ]
    return {(h[4].term, h[2], h[3]) for h in kept}


def matcher_find(entries: list[ListEntry], text: str) -> set[tuple[str, int, int]]:
    return {(h.entry.term, h.start, h.end) for h in Matcher(entries).find(normalize(text))}


def test_it_finds_every_occurrence_including_overlapping_ones():
    entries = [entry("发票"), entry("开发"), entry("代开")]
    text = "代开发票，开发区开发票"
    assert matcher_find(entries, text) == reference_find(entries, text)
    assert ("发票", 2, 4) in matcher_find(entries, text)


def test_it_lets_an_allowed_phrase_suppress_a_shorter_word_inside_it():
    entries = [entry("残疾", "typo"), entry("残疾人", "allow")]
    assert matcher_find(entries, "残疾人联合会") == set()
    assert matcher_find(entries, "身体残疾") == {("残疾", 2, 4)}


def test_it_still_reports_a_listed_word_longer_than_the_allowed_phrase():
    entries = [entry("残疾人士专用", "sensitive"), entry("残疾人", "allow")]
    assert matcher_find(entries, "残疾人士专用") == {("残疾人士专用", 0, 6)}


def test_it_reports_one_finding_for_a_word_inside_a_longer_word_of_the_same_category():
    entries = [entry("保监会", "expression"), entry("银保监会", "expression")]
    assert matcher_find(entries, "银保监会") == {("银保监会", 0, 4)}


def test_it_matches_latin_entries_as_whole_words_only():
    entries = [entry("casino")]
    assert matcher_find(entries, "online CASINO here") == {("casino", 7, 13)}
    assert matcher_find(entries, "casinos") == set()


def test_it_lets_a_later_entry_override_an_earlier_one_with_the_same_term():
    old = ListEntry("按装", "typo", "warning", "安装")
    new = ListEntry("按装", "typo", "blocking", "安装（统一用字）")
    (hit,) = Matcher([old, new]).find(normalize("按装"))
    assert hit.entry.severity == "blocking"


def test_it_agrees_with_the_reference_on_tricky_separators():
    # The reference knows no word segmentation: typo keys here match anywhere.
    entries = [entry("代开发票"), entry("开发", "typo", boundary="any"), entry("发票代开", "allow")]
    for text in [
        "代 开 发 票",
        "代，开发票",
        "代*开*发*票*代*开",
        "发票代开发票",
        "代。开。发。票",
    ]:
        assert matcher_find(entries, text) == reference_find(entries, text), text


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

ALPHABET = "代开发票残疾人a b，*。\u200b"
words = st.text(alphabet="代开发票残疾人ab", min_size=2, max_size=4)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=ALPHABET, max_size=40),
    listed=st.lists(words, min_size=1, max_size=5),
    allowed=st.lists(words, max_size=2),
    categories=st.lists(st.sampled_from(["sensitive", "typo"]), min_size=5, max_size=5),
)
def test_it_agrees_with_a_naive_substring_search(text, listed, allowed, categories):
    # The reference knows no word segmentation: typo keys here match anywhere.
    entries = [entry(w, c, boundary="any") for w, c in zip(listed, categories, strict=False)]
    entries += [entry(w, "allow") for w in allowed]
    assert matcher_find(entries, text) == reference_find(entries, text)
