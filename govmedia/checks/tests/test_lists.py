import openpyxl
import pytest

from govmedia.checks.lists import ListFileError, load_list_file, load_lists, parse_text


def test_it_reads_columns_and_defaults_from_comment_lines():
    entries, errors = parse_text(
        "# category: typo\n按装\n\n既使\t\twarning\t即使\n代开发票\tsensitive:违法广告\tblocking\t删除\n",
        source="t.txt",
    )
    assert errors == []
    assert [(e.term, e.category, e.severity, e.suggestion) for e in entries] == [
        ("按装", "typo", "warning", ""),
        ("既使", "typo", "warning", "即使"),
        ("代开发票", "sensitive", "blocking", "删除"),
    ]
    assert entries[2].subcategory == "违法广告"


def test_it_reports_each_bad_row_with_its_line_number_and_keeps_the_good_ones():
    entries, errors = parse_text(
        "按装\ttypo\n字\ttypo\n代开\tnonsense\n办证\tsensitive\tfatal\n刻章办证\tsensitive\n",
        source="bad.txt",
    )
    assert [e.term for e in entries] == ["按装", "刻章办证"]
    assert [(e.line, e.source) for e in errors] == [(2, "bad.txt"), (3, "bad.txt"), (4, "bad.txt")]
    assert "shorter than 2" in errors[0].reason
    assert "unknown category 'nonsense'" in errors[1].reason
    assert "unknown severity 'fatal'" in errors[2].reason
    assert str(errors[0]).startswith("bad.txt:2: ")


def test_it_accepts_chinese_category_and_severity_names():
    entries, errors = parse_text("按装\t错别字\t提示\t安装\n", source="zh.txt")
    assert errors == []
    assert (entries[0].category, entries[0].severity) == ("typo", "info")


def test_it_reads_xlsx_lists_with_a_header_row(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["词条", "类别", "级别", "建议"])
    sheet.append(["按装", "typo", "warning", "安装"])
    sheet.append(["代开发票", "bogus", None, None])
    path = tmp_path / "list.xlsx"
    book.save(path)
    entries, errors = load_list_file(path)
    assert [e.term for e in entries] == ["按装"]
    assert errors[0].line == 3


def test_it_refuses_a_file_that_is_not_a_list(tmp_path):
    bad = tmp_path / "list.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ListFileError, match="not a readable .xlsx"):
        load_list_file(bad)
    binary = tmp_path / "list.txt"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(ListFileError, match="binary"):
        load_list_file(binary)


def test_it_reads_gb18030_lists(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("按装\ttypo\t\t安装\n".encode("gbk"))
    entries, errors = load_list_file(path)
    assert entries[0].suggestion == "安装"


def test_it_reloads_a_list_from_the_disk_cache(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("# category: typo\n按装\t\t\t安装\n坏行\tnope\n", encoding="utf-8")
    cache = tmp_path / "cache"
    first = load_lists([path], cache_dir=cache)
    assert list(cache.iterdir())
    second = load_lists([path], cache_dir=cache)
    assert first == second
    path.write_text("# category: typo\n既使\t\t\t即使\n", encoding="utf-8")
    third, _ = load_lists([path], cache_dir=cache)
    assert [e.term for e in third] == ["既使"]
