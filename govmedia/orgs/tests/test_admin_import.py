import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from govmedia.devtools.testing import PASSWORD
from govmedia.orgs.importing import CHANNELS, DEPARTMENTS
from govmedia.orgs.models import Channel, Department
from govmedia.orgs.tests.workbooks import read_back, refused, xlsx


def upload(client, kind, buffer, name="upload.xlsx"):
    buffer.name = name
    return client.post(reverse("orgs_import", args=[kind]), {"file": buffer})


def test_it_imports_an_upload_and_shows_the_bad_rows(admin_client, people):
    response = upload(
        admin_client,
        CHANNELS,
        xlsx(
            CHANNELS,
            [
                ["示例市教育局", "微信公众号", "示例教育", "", "sl_edu", "", "", 7, ""],
                ["示例市教育局", "传真", "传真号", "", "123", "", "", "", ""],
            ],
        ),
    )

    assert response.status_code == 200
    assert "新增 1 条" in response.text
    assert "传真" in response.text
    assert Channel.objects.filter(name="示例教育").exists()
    bad = admin_client.get(reverse("orgs_import_bad_rows", args=[CHANNELS]))
    assert read_back(bad.content)[1][1] == "传真"


def test_it_refuses_a_file_that_is_not_really_xlsx(admin_client, people):
    before = Department.objects.count()

    response = upload(
        admin_client, DEPARTMENTS, io.BytesIO(b"MZ\x90\x00 not a workbook"), name="virus.xlsx"
    )

    assert response.status_code == 200
    assert "不是有效的 Excel 工作簿" in response.text
    assert Department.objects.count() == before


def test_it_refuses_an_oversized_file(admin_client, people, settings):
    settings.GOVMEDIA_MAX_IMPORT_MB = 0
    before = Department.objects.count()

    response = upload(
        admin_client,
        DEPARTMENTS,
        xlsx(DEPARTMENTS, [["新局", "", "政府部门", "", "11000000MB0000005G", 1]]),
    )

    assert response.status_code == 200
    assert "文件太大" in response.text
    assert Department.objects.count() == before


def test_it_offers_a_template_with_the_chinese_header(admin_client):
    response = admin_client.get(reverse("orgs_import_template", args=[DEPARTMENTS]))

    assert read_back(response.content)[0][:3] == ["名称*", "简称", "类型*"]


def test_it_keeps_non_administrators_out_of_import(client, people):
    client.login(username="supervisor", password=PASSWORD)

    assert refused(client.get(reverse("orgs_import", args=[DEPARTMENTS])))
    assert refused(client.get(reverse("orgs_export", args=[DEPARTMENTS])))


def test_it_shows_departments_as_a_tree_to_an_administrator(admin_client, people):
    response = admin_client.get(reverse("orgs_departments:index"))

    assert response.status_code == 200
    assert response.text.index("示例市人民政府") < response.text.index("└ 示例市教育局")


def test_it_keeps_editors_out_of_departments_and_people(client, people):
    client.login(username="editor", password=PASSWORD)

    assert refused(client.get(reverse("orgs_departments:index")))
    assert refused(client.get(reverse("orgs_people:index")))


def test_it_renders_the_import_page_with_its_format(admin_client):
    response = admin_client.get(reverse("orgs_import", args=["people"]))

    assert response.status_code == 200
    assert "初始密码" in response.text
    assert reverse("orgs_import_template", args=["people"]) in response.text


@pytest.mark.parametrize("viewset", ["orgs_departments", "orgs_people", "orgs_channels"])
@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_it_exports_every_list(admin_client, people, viewset, export_format):
    people.editor.last_login = people.editor.date_joined
    people.editor.save(update_fields=["last_login"])
    Channel.objects.create(
        department=people.education, kind="wechat", name="示例教育", account_id="a"
    )

    response = admin_client.get(reverse(f"{viewset}:index") + f"?export={export_format}")

    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content])


@pytest.mark.parametrize("indexed", [False, True])
def test_it_refuses_to_delete_a_department_that_has_children(admin_client, people, indexed):
    # Wagtail refuses by itself (without saying why) only when its reference
    # index lists the references; whether it does depends on what ran before.
    if indexed:
        from django.core.management import call_command

        call_command("rebuild_references_index", verbosity=0)
    response = admin_client.post(
        reverse("orgs_departments:delete", args=[people.city.pk]), follow=True
    )

    assert response.status_code == 200
    assert "仍被以下内容引用，不能删除" in response.text
    assert Department.objects.filter(pk=people.city.pk).exists()


def test_it_accepts_the_headers_exactly_as_the_import_page_shows_them(admin_client):
    page = admin_client.get(reverse("orgs_import", args=[DEPARTMENTS]))
    shown = re.findall(r"<code>([^<]+)</code>", page.text)
    assert shown[:3] == ["名称*", "简称", "类型*"]

    response = upload(
        admin_client,
        DEPARTMENTS,
        xlsx(DEPARTMENTS, [["新局", "", "政府部门", "", "11000000MB0000005G", 9]], headers=shown),
    )

    assert "新增 1 条" in response.text
    assert Department.objects.filter(name="新局").exists()


def test_it_imports_the_downloaded_template_once_filled_in(admin_client):
    template = admin_client.get(reverse("orgs_import_template", args=[DEPARTMENTS])).content
    book = load_workbook(io.BytesIO(template))
    book.active.append(["新局", "", "政府部门", "", "11000000MB0000005G", 9])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)

    response = upload(admin_client, DEPARTMENTS, buffer)

    assert "新增 1 条" in response.text


def test_it_imports_a_gbk_csv_upload(admin_client):
    data = "名称*,简称,类型*,上级机构,机构代码*,排序\n新局,,政府部门,,11000000MB0000005G,9\n"

    response = upload(admin_client, DEPARTMENTS, io.BytesIO(data.encode("gbk")), name="机构.csv")

    assert "新增 1 条" in response.text
    assert Department.objects.filter(name="新局").exists()


def test_it_refuses_an_old_xls_workbook_with_a_way_out(admin_client):
    response = upload(
        admin_client,
        DEPARTMENTS,
        io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512),
        name="机构.xls",
    )

    assert "另存为 .xlsx" in response.text
