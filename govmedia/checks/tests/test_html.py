from govmedia.checks.html import visible_text


def test_it_keeps_visible_text_with_blocks_on_their_own_lines():
    text, _ = visible_text(
        "<html><head><title>t</title><style>p{}</style></head><body>"
        "<h1>标题</h1><p>第一段<b>加粗</b></p><script>var x='按装'</script><!-- 注释 --><p>第二段</p></body></html>"
    )
    assert text == "标题\n第一段加粗\n第二段"


def test_it_reports_where_each_link_shows():
    text, links = visible_text('<p>详见<a href="https://a.example/x">政策文件</a>。</p>')
    (link,) = links
    assert link.url == "https://a.example/x"
    assert text[link.start : link.end] == "政策文件"


def test_it_survives_deep_nesting():
    html = "<div>" * 5000 + "深层文字" + "</div>" * 5000
    text, _ = visible_text(html)
    assert text == "深层文字"
