import io

import pytest
from django.core.management import CommandError, call_command

from govmedia.orgs.importing import DEPARTMENTS
from govmedia.orgs.models import Department
from govmedia.orgs.tests.workbooks import read_back, xlsx


def write(tmp_path, name, buffer):
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_it_imports_a_clean_file_and_exits_zero(db, tmp_path):
    path = write(
        tmp_path,
        "d.xlsx",
        xlsx(DEPARTMENTS, [["示例市人民政府", "", "市级政府", "", "11000000MB00000014", 1]]),
    )
    out = io.StringIO()

    call_command("import_orgs", "departments", path, stdout=out)

    assert "1 created, 0 updated, 0 rows failed" in out.getvalue()
    assert Department.objects.count() == 1


def test_it_prints_every_bad_row_and_exits_non_zero(db, tmp_path):
    path = write(
        tmp_path,
        "d.xlsx",
        xlsx(
            DEPARTMENTS,
            [
                ["示例市人民政府", "", "市级政府", "", "11000000MB00000014", 1],
                ["坏局", "", "政府部门", "", "bad", 2],
                ["怪局", "", "委员会", "", "11000000MB00000027", 3],
            ],
        ),
    )
    err = io.StringIO()
    bad = tmp_path / "bad.xlsx"

    with pytest.raises(CommandError) as raised:
        call_command(
            "import_orgs",
            "departments",
            path,
            "--bad-rows",
            str(bad),
            stderr=err,
            stdout=io.StringIO(),
        )

    assert raised.value.returncode == 1
    assert "row 3, column 机构代码" in err.getvalue()
    assert "row 4, column 类型" in err.getvalue()
    assert Department.objects.count() == 1
    assert [r[0] for r in read_back(bad.read_bytes())[1:]] == ["坏局", "怪局"]


def test_it_refuses_a_file_that_is_not_xlsx(db, tmp_path):
    path = tmp_path / "d.xlsx"
    path.write_text("名称,类型\n甲,乙\n", encoding="utf-8")

    with pytest.raises(CommandError, match="Cannot import"):
        call_command("import_orgs", "departments", str(path))


def test_it_exports_a_workbook_in_the_import_format(people, tmp_path):
    path = tmp_path / "out.xlsx"

    call_command("export_orgs", "departments", str(path), stdout=io.StringIO())

    rows = read_back(path.read_bytes())
    assert rows[0] == ["名称*", "简称", "类型*", "上级机构", "机构代码*", "排序"]
    assert len(rows) == 4


def test_it_imports_a_gbk_tab_separated_file(db, tmp_path):
    path = tmp_path / "机构.tsv"
    path.write_bytes(
        "名称*\t类型*\t机构代码*\n示例市人民政府\t市级政府\t11000000MB00000014\n".encode("gbk")
    )
    out = io.StringIO()

    call_command("import_orgs", "departments", str(path), stdout=out)

    assert "1 created, 0 updated, 0 rows failed" in out.getvalue()
    assert Department.objects.get().name == "示例市人民政府"
