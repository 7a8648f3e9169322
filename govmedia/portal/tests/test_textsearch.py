"""The plain-Python search helpers, without a database."""

from govmedia.portal import textsearch


def test_it_segments_a_word_out_of_a_sentence():
    terms = textsearch.index_terms("关于做好2026年秋季招生工作的通知")

    assert terms["招生"] == 1
    assert "通知" in terms
    assert "的" not in terms  # a stopword


def test_it_indexes_words_inside_longer_dictionary_words():
    terms = textsearch.index_terms("优化营商环境若干措施")

    assert {"优化营商环境", "营商环境", "营商", "环境"} <= set(terms)


def test_it_keeps_government_terms_whole_in_queries():
    assert textsearch.query_terms("依申请公开 最低生活保障") == ["依申请公开", "最低生活保障"]


def test_it_splits_queries_the_way_it_splits_text():
    sentence = "示例市交通运输局关于公共交通线路调整的公告"
    indexed = set(textsearch.index_terms(sentence))

    for query in ("交通运输局", "公共交通", "线路调整", "公告"):
        assert set(textsearch.query_terms(query)) <= indexed, query


def test_it_folds_full_width_letters_and_case():
    assert textsearch.normalize("ＡＢＣ１２３") == "abc123"
    assert textsearch.query_terms("ＡＰＰ") == textsearch.query_terms("app")


def test_it_drops_punctuation_and_blank_queries():
    assert textsearch.query_terms("，。！  ") == []


def test_it_marks_matches_and_escapes_everything_else():
    html = textsearch.highlight("<b>招生</b> & 工作", ["招生"])

    assert html == "&lt;b&gt;<mark>招生</mark>&lt;/b&gt; &amp; 工作"


def test_it_marks_full_width_text_in_place():
    assert textsearch.highlight("下载ＡＰＰ", ["app"]) == "下载<mark>ＡＰＰ</mark>"


def test_it_merges_overlapping_matches():
    assert textsearch.highlight("营商环境", ["营商", "营商环境", "环境"]) == "<mark>营商环境</mark>"


def test_it_cuts_a_snippet_around_the_first_match():
    text = "甲" * 300 + "招生" + "乙" * 300

    snippet = textsearch.snippet(text, ["招生"], length=60)

    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>招生</mark>" in snippet
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) == 62


def test_it_starts_a_snippet_at_the_beginning_without_a_match():
    assert textsearch.snippet("短文本<", ["招生"]) == "短文本&lt;"


def test_it_turns_rich_text_into_plain_text():
    assert textsearch.html_to_text("<p>第一段&amp;</p><p>第二段</p>") == "第一段& 第二段"
