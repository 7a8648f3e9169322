from govmedia.checks.rules.format import find_format


def rules(text):
    return [(f.rule, f.start, f.text) for f in find_format(text)]


def test_it_flags_half_width_punctuation_between_chinese_characters():
    assert rules("会议要求,各单位落实") == [("format:half-width-punctuation", 4, ",")]
    assert rules("会议时间10:30，版本1.2，网址a.b") == []


def test_it_flags_brackets_closed_in_the_other_width():
    assert rules("本次会议（扩大会议)召开") == [("format:mixed-width-brackets", 9, ")")]


def test_it_flags_unclosed_and_stray_brackets_and_quotes():
    assert rules("印发《通知，请执行") == [("format:unclosed-bracket", 2, "《")]
    assert rules("他说：“要办好。") == [("format:unclosed-bracket", 3, "“")]
    assert rules("多余的】括号") == [("format:stray-bracket", 3, "】")]


def test_it_accepts_balanced_text_and_list_numbers():
    assert rules("《通知》（一）“好”【注】") == []
    assert rules("1）加强领导；2）落实责任。\n  3) 做好总结") == []


def test_it_checks_brackets_paragraph_by_paragraph():
    assert [r[0] for r in rules("第一段（开始\n第二段）结束")] == [
        "format:unclosed-bracket",
        "format:stray-bracket",
    ]


def test_it_suggests_a_dunhao_after_a_chinese_list_number():
    (finding,) = find_format("一.加强领导")
    assert finding.suggestion == "中文语句中应使用全角标点“、”"
