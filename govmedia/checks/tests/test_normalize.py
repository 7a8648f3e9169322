from govmedia.checks.normalize import fold, fold_entry, gaps_acceptable, normalize


def test_it_keeps_the_length_when_folding_width_case_and_traditional_characters():
    text = "國土資源部ＡＢＣ１２３　Ok"
    folded = fold(text)
    assert folded == "国土资源部abc123 ok"
    assert len(folded) == len(text)


def test_it_leaves_simplified_words_that_look_traditional_alone():
    assert fold("著名的乾隆年间") == "著名的乾隆年间"


def test_a_long_text_is_converted_phrase_by_phrase_like_a_short_one():
    # Long texts have only the lines that could change converted; the phrases must
    # still read as OpenCC reads them (回覆 → 回复 although 覆 alone stays 覆).
    plain = "市政府召开常务会议，研究部署安全生产工作。\n" * 150
    text = plain + "他回覆了来函。\n乾隆年间天气乾燥。\n意志消沈，國土資源部\n" + plain
    folded = fold(text)
    assert len(text) > 4096 and len(folded) == len(text)
    assert "他回复了来函。\n乾隆年间天气干燥。\n意志消沉，国土资源部\n" in folded
    assert folded.startswith(plain) and folded.endswith(plain)


def test_it_removes_separators_and_zero_width_characters_from_the_compact_form():
    norm = normalize("代 开\u200b发*票。")
    assert norm.compact == "代开发票"


def test_it_maps_compact_offsets_back_to_the_original_text():
    text = "前言：代 开 发 票！"
    norm = normalize(text)
    start = norm.compact.index("代开发票")
    s, e = norm.span_to_original(start, start + 4)
    assert text[s:e] == "代 开 发 票"


def test_it_normalises_list_entries_the_same_way_as_text():
    assert fold_entry("代·开 發票") == "代开发票"


def test_it_accepts_systematic_separators_but_not_a_clause_break_in_part_of_a_word():
    assert gaps_acceptable("代，开，发，票", [0, 2, 4, 6])
    assert not gaps_acceptable("代，开发票", [0, 2, 3, 4])
    assert gaps_acceptable("代*开发票", [0, 2, 3, 4])


def test_it_does_not_join_a_two_character_word_across_a_sentence_break():
    assert not gaps_acceptable("按。装", [0, 2])
    assert gaps_acceptable("按 装", [0, 2])


def test_it_folds_kangxi_and_supplement_radicals_to_the_ideographs_they_look_like():
    text = "出售银⾏卡，管制⼑具，⻋⻉⻔"
    folded = fold(text)
    assert folded == "出售银行卡，管制刀具，车贝门"
    assert len(folded) == len(text)


def test_it_folds_compatibility_letters_but_keeps_punctuation_and_the_length():
    text = "𝐀𝐁①，。㈱"
    folded = fold(text)
    assert folded == "ab1，。㈱"


def test_it_removes_invisible_characters_and_emoji_from_the_compact_form():
    invisible = [
        "\u180e",
        "\ufe0f",
        "\ufe00",
        "\U000e0100",
        "\u034f",
        "\u3164",
        "\uffa0",
        "\u115f",
        "\u1160",
        "\u0301",
        "\U000e0041",
        "🍎",
    ]
    for char in invisible:
        text = f"代{char}开{char}发{char}票"
        norm = normalize(text)
        assert norm.compact == "代开发票", repr(char)
        s, e = norm.span_to_original(0, 4)
        assert (s, e) == (0, len(text)), repr(char)


def test_every_kangxi_radical_folds_to_one_unified_ideograph():
    radicals = "".join(chr(c) for c in range(0x2F00, 0x2FD6))
    folded = fold(radicals)
    assert len(folded) == len(radicals)
    assert all("\u4e00" <= c <= "\u9fff" for c in folded)


def test_folding_keeps_every_code_point_in_place_even_when_dense():
    # More candidates than the one-by-one path handles, astral ones included.
    text = "ＡＢ①⾏𝐀\U0002f800〸" * 40 + "代开发票"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded.endswith("代开发票")
    assert folded.startswith("ab1行a")


def test_the_astral_check_agrees_with_a_search_also_once_a_utf8_copy_is_cached():
    import ahocorasick_rs

    from govmedia.checks.normalize import has_astral

    reads_utf8 = ahocorasick_rs.AhoCorasick(["x"])  # reading a str from Rust caches its UTF-8
    for text in ["", "a", "é", "中文" * 300, "中\U0001f600", "a" * 5000 + "\U00020000"]:
        expected = any(ord(c) > 0xFFFF for c in text)
        assert has_astral(text) is expected
        reads_utf8.find_matches_as_indexes(text)
        assert has_astral(text) is expected


# Long enough for the one-scan fold; each piece changes under folding or t2s.
_LONG_PIECES = [
    "第一条　为了规范政务公开工作，根据有关法律制定本办法。\n",
    "ＡＢＣ１２３ＤＥＦ",
    "國務院關於發佈",
    "乾隆年间",
    "⾏政⻋辆",
    "ΑΒΓ ÉCOLE Straße",
    "Σ",
    "İstanbul",
    "坏像覆",
    "\u3000",
]


def _fold_step_by_step(text):
    """The reference: every step over the whole text, t2s converting it whole."""
    from govmedia.checks.normalize import _nfkc_table, _t2s_whole

    text = text.translate(_nfkc_table())
    lowered = text.lower()
    if len(lowered) == len(text):
        text = lowered
    else:
        text = "".join(c.lower() if c.isascii() else c for c in text)
    return _t2s_whole(text)


def test_a_long_text_folds_in_one_scan_as_it_does_step_by_step():
    import random

    rng = random.Random(5)
    base = _LONG_PIECES[0] * 200
    for _ in range(60):
        chars = list(base)
        for _ in range(rng.choice([1, 5, 40, 400])):
            chars.insert(rng.randrange(len(chars)), rng.choice(_LONG_PIECES[1:]))
        text = "".join(chars)
        assert fold(text) == _fold_step_by_step(text)
