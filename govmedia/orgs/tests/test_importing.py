import io

import pytest

from govmedia.orgs.importing import (
    CHANNELS,
    DEPARTMENTS,
    PEOPLE,
    ImportFileError,
    export_workbook,
    import_workbook,
)
from govmedia.orgs.models import Channel, ChannelStatus, Department, Membership, Role
from govmedia.orgs.tests.workbooks import read_back, xlsx

CITY_CODE = "11000000MB00000014"
SCHOOL_CODE = "11000000MB0000009W"


def test_it_keeps_good_department_rows_and_reports_each_bad_one(db):
    report = import_workbook(
        DEPARTMENTS,
        xlsx(
            DEPARTMENTS,
            [
                ["示例市人民政府", "市政府", "市级政府", "", CITY_CODE, 1],
                ["示例市教育局", "教育局", "政府部门", "示例市人民政府", "11000000MB00000027", 2],
                ["示例市无名局", "", "政府部门", "不存在的机构", "11000000MB0000003A", 3],
                ["示例市错码局", "", "政府部门", "示例市人民政府", "12345", 4],
                ["示例市怪类局", "", "委员会", "示例市人民政府", "11000000MB0000004D", 5],
                ["示例市重复局", "", "政府部门", "", CITY_CODE, 6],
            ],
        ),
    )

    assert (report.created, report.updated) == (2, 0)
    assert [(e.row, e.column) for e in sorted(report.errors, key=lambda e: e.row)] == [
        (4, "上级机构"),
        (5, "机构代码"),
        (6, "类型"),
        (7, "机构代码"),
    ]
    assert "不存在" in report.errors_by_row()[4][0].message
    assert "第2行" in report.errors_by_row()[7][0].message
    assert set(Department.objects.values_list("name", flat=True)) == {
        "示例市人民政府",
        "示例市教育局",
    }
    assert Department.objects.get(name="示例市教育局").parent.name == "示例市人民政府"


def test_it_updates_departments_when_the_same_file_is_imported_again(db):
    rows = [["示例市人民政府", "", "市级政府", "", CITY_CODE, 1]]
    import_workbook(DEPARTMENTS, xlsx(DEPARTMENTS, rows))
    rows[0][1] = "市政府"

    report = import_workbook(DEPARTMENTS, xlsx(DEPARTMENTS, rows))

    assert (report.created, report.updated, report.errors) == (0, 1, [])
    assert Department.objects.get().short_name == "市政府"


def test_it_resolves_a_parent_that_comes_after_its_child(db):
    report = import_workbook(
        DEPARTMENTS,
        xlsx(
            DEPARTMENTS,
            [
                ["示例市第一中学", "", "政府部门", "示例市教育局", SCHOOL_CODE, 3],
                ["示例市教育局", "", "政府部门", CITY_CODE, "11000000MB00000027", 2],
                ["示例市人民政府", "", "市级政府", "", CITY_CODE, 1],
            ],
        ),
    )

    assert report.errors == []
    school = Department.objects.get(code=SCHOOL_CODE)
    assert [d.name for d in school.ancestors()] == ["示例市人民政府", "示例市教育局"]


def test_it_reports_a_cycle_instead_of_looping(db):
    report = import_workbook(
        DEPARTMENTS,
        xlsx(
            DEPARTMENTS,
            [
                ["甲局", "", "政府部门", "乙局", "11000000MB0000005G", 1],
                ["乙局", "", "政府部门", "甲局", "11000000MB0000006K", 2],
            ],
        ),
    )

    assert sorted(e.row for e in report.errors) == [2, 3]
    assert not Department.objects.exists()


def test_it_reports_the_child_of_a_bad_parent_row(db):
    report = import_workbook(
        DEPARTMENTS,
        xlsx(
            DEPARTMENTS,
            [
                ["子局", "", "政府部门", "坏局", "11000000MB0000005G", 1],
                ["坏局", "", "政府部门", "", "bad", 2],
            ],
        ),
    )

    assert "有错误" in report.errors_by_row()[2][0].message


def test_it_imports_people_with_roles_and_matches_them_by_username(people):
    rows = [
        ["孙编辑", "sun", "13800000000", "示例市教育局", "编辑", "S3cure-pass-2026"],
        ["孙编辑", "sun", "13800000000", "11000000MB0000003A", "审核人", ""],
        ["钱某", "qian", "13800000001", "示例市卫生局", "编辑", ""],
        ["李某", "li", "13800000002", "示例市教育局", "主任", ""],
    ]

    first = import_workbook(PEOPLE, xlsx(PEOPLE, rows))
    second = import_workbook(PEOPLE, xlsx(PEOPLE, rows))

    assert (first.created, first.updated) == (2, 0)
    assert (second.created, second.updated) == (0, 2)
    assert [(e.row, e.column) for e in first.errors] == [(4, "机构"), (5, "角色")]
    sun = Membership.objects.filter(user__username="sun")
    assert sorted(sun.values_list("role", flat=True)) == [Role.EDITOR, Role.REVIEWER]
    assert sun.first().user.check_password("S3cure-pass-2026")
    assert sun.first().user.groups.filter(name="示例市教育局·编辑").exists()


def test_it_rejects_a_weak_initial_password(people):
    report = import_workbook(
        PEOPLE, xlsx(PEOPLE, [["孙编辑", "sun", "", "示例市教育局", "编辑", "123"]])
    )

    assert [e.column for e in report.errors] == ["初始密码"]


def test_it_keeps_good_channel_rows_and_reports_bad_ones(people):
    report = import_workbook(
        CHANNELS,
        xlsx(
            CHANNELS,
            [
                [
                    "示例市教育局",
                    "微信公众号",
                    "示例教育",
                    "",
                    "sl_edu",
                    "王编辑",
                    "010-12345678",
                    7,
                    "在用",
                ],
                ["示例市教育局", "网站栏目", "通知公告", "not a url", "", "", "", 14, "在用"],
                ["示例市教育局", "网站栏目", "政策解读", "", "", "", "", 14, ""],
                ["示例市教育局", "传真", "传真号", "", "123", "", "", "", ""],
                ["示例市教育局", "微博", "示例教育微博", "", "edu_weibo", "", "", "每周", "已关停"],
                ["示例市教育局", "微信公众号", "示例教育", "", "sl_edu", "", "", 7, ""],
            ],
        ),
    )

    assert report.created == 1
    assert [(e.row, e.column) for e in sorted(report.errors, key=lambda e: e.row)] == [
        (3, "网址"),
        (4, "网址"),
        (5, "类型"),
        (6, "更新周期（天）"),
        (7, "名称"),
    ]
    channel = Channel.objects.get()
    assert (channel.account_id, channel.update_every_days, channel.status) == (
        "sl_edu",
        7,
        ChannelStatus.ACTIVE,
    )


def test_it_writes_bad_rows_with_a_reason_column(people):
    report = import_workbook(
        CHANNELS, xlsx(CHANNELS, [["示例市教育局", "传真", "传真号", "", "123", "", "", "", ""]])
    )

    rows = read_back(report.bad_rows_workbook())

    assert rows[0][-1] == "错误原因"
    assert rows[1][:3] == ["示例市教育局", "传真", "传真号"]
    assert rows[1][-1].startswith("类型：")


def test_it_exports_workbooks_that_reimport_cleanly(people):
    Channel.objects.create(
        department=people.education, kind="wechat", name="示例教育", account_id="sl_edu"
    )
    Membership.objects.filter(user=people.editor).update(phone="13800000000")

    for kind in (DEPARTMENTS, PEOPLE, CHANNELS):
        data = export_workbook(kind)
        report = import_workbook(kind, io.BytesIO(data))
        assert report.errors == [], kind
        assert report.created == 0, kind
        assert report.updated > 0, kind


def test_it_exports_departments_parents_first_into_an_empty_database(people):
    data = export_workbook(DEPARTMENTS)
    names = [row[0] for row in read_back(data)[1:]]

    assert names.index("示例市人民政府") < names.index("示例市教育局")


def test_it_refuses_a_workbook_without_the_required_columns(db):
    with pytest.raises(ImportFileError, match="机构代码"):
        import_workbook(
            DEPARTMENTS, xlsx(DEPARTMENTS, [["甲局", "政府部门"]], headers=["名称", "类型"])
        )


def test_it_imports_a_gb18030_csv_as_excel_saves_it_in_china(people):
    text = (
        "*机构,*类型,*名称,网址,账号,责任人,责任人电话,更新周期(天),状态\r\n"
        "示例市教育局,微信公众号,示例教育·囧,,sl_edu,王编辑,010-12345678,7,在用\r\n"
    )
    data = io.BytesIO(text.encode("gb18030"))

    report = import_workbook(CHANNELS, data, name="渠道.csv")

    assert (report.created, report.errors) == (1, [])
    channel = Channel.objects.get()
    assert (channel.name, channel.responsible, channel.update_every_days) == (
        "示例教育·囧",
        "王编辑",
        7,
    )


def test_it_imports_a_utf8_csv_and_reports_its_bad_rows_by_line(people):
    text = (
        "\ufeff姓名,用户名,电话,机构,角色,初始密码\n"
        "孙编辑,sun,13800000000,示例市教育局,编辑,\n"
        "钱某,qian,13800000001,示例市卫生局,编辑,\n"
    )

    report = import_workbook(PEOPLE, io.BytesIO(text.encode()), name="people.csv")

    assert report.created == 1
    assert [(e.row, e.column) for e in report.errors] == [(3, "机构")]
    assert Membership.objects.filter(user__username="sun", role=Role.EDITOR).exists()


def test_it_refuses_a_code_whose_check_character_is_wrong(db):
    wrong = CITY_CODE[:-1] + ("0" if CITY_CODE[-1] != "0" else "1")

    report = import_workbook(
        DEPARTMENTS,
        xlsx(
            DEPARTMENTS,
            [
                ["示例市人民政府", "", "市级政府", "", wrong, 1],
                ["示例市档案馆", "", "政府部门", "", "D2143569-X", 2],
                ["示例市旧码局", "", "政府部门", "", "D2143569-1", 3],
            ],
        ),
    )

    assert [(e.row, e.column) for e in report.errors] == [(2, "机构代码"), (4, "机构代码")]
    assert "校验码" in report.errors[0].message
    assert "GB 11714" in report.errors[1].message
    assert list(Department.objects.values_list("code", flat=True)) == ["D2143569-X"]
