"""The 工作日历 admin through HTTP: enter a year, import, export, permissions, the calculator.

The 2027 schedule below is made up for the tests (the State Council had not
announced 2027 when chinesecalendar 1.11.0 was pinned); the notice number is fictional.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import ModelLogEntry

from govmedia.workdays import actions, service
from govmedia.workdays.importing import parse_file
from govmedia.workdays.models import HolidayYear, SpecialDay

pytestmark = pytest.mark.django_db

YEAR_2027 = """\
2027-01-01..2027-01-03 元旦 放假
2027-02-05..2027-02-11 春节 放假
2027-02-14 春节 调休上班
"""


def save_year(client, **fields):
    data = {
        "year": "2027",
        "announced_by": "国办发明电〔2026〕99号",
        "lines": YEAR_2027,
        "note": "",
    }
    data.update(fields)
    return client.post(reverse("workdays_year_edit"), data)


def test_a_provisional_deadline_becomes_exact_once_the_year_is_entered(admin_client, people):
    index = reverse("workdays_index")
    before = service.calendar().add_workdays(date(2026, 12, 21), 10)
    assert (before.day, before.provisional) == (date(2027, 1, 4), True)
    page = admin_client.get(index, {"start": "2026-12-21", "days": "10"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "截止日：2027年1月4日（暂定）" in text
    assert "2027 年的节假日安排尚未录入工作日历" in text

    response = save_year(admin_client)
    assert response.status_code == 302
    assert response["Location"] == f"{index}?year=2027"

    after = service.calendar().add_workdays(date(2026, 12, 21), 10)
    # 1-3 Jan off: Mon 4 Jan is the 9th working day, Tue 5 Jan the 10th.
    assert (after.day, after.provisional) == (date(2027, 1, 5), False)
    text = admin_client.get(index, {"start": "2026-12-21", "days": "10"}).content.decode()
    assert "截止日：2027年1月5日（周二）。" in text
    assert "暂定" not in text.split('id="wd-result"')[1].split("</div>")[0]
    assert service.calendar().is_workday(date(2027, 2, 14))

    row = HolidayYear.objects.get(year=2027)
    assert (row.source, row.entered_by, row.announced_by) == (
        HolidayYear.Source.ADMIN,
        people.admin,
        "国办发明电〔2026〕99号",
    )
    assert row.days.count() == 3 + 7 + 1
    entry = ModelLogEntry.objects.get(action=actions.YEAR_SAVE)
    assert entry.user == people.admin
    assert entry.data["from"] == actions.NOT_ENTERED
    assert entry.data["to"] == "管理员录入：放假 10 天、调休上班 1 天"


def test_the_month_view_marks_holidays_and_make_up_days(admin_client):
    text = admin_client.get(reverse("workdays_index"), {"year": "2025"}).content.decode()
    assert 'class="holiday" title="2025-10-01 国庆节" data-day="2025-10-01"' in text
    assert 'class="makeup" title="2025-09-28 调休上班（周日）" data-day="2025-09-28"' in text
    assert 'class="weekend" title="2025-09-27 周六" data-day="2025-09-27"' in text
    assert 'class="" title="2025-10-09 工作日" data-day="2025-10-09"' in text
    assert "来源：内置（随软件提供的国务院办公厅节假日安排）" in text
    unknown = admin_client.get(reverse("workdays_index"), {"year": "2031"}).content.decode()
    assert "2031 年的节假日安排尚未录入" in unknown


def test_wrong_lines_are_reported_and_what_was_typed_is_kept(admin_client):
    typed = "2027-01-01 元旦 放假\n2027-02-09 春节 调休上班\n2027-13-01 春节 放假\n2028-01-01 元旦 放假\n2027-01-01 元旦 放假"
    response = save_year(admin_client, lines=typed)
    assert response.status_code == 200
    text = response.content.decode()
    assert "安排有误，未保存" in text
    assert (
        "第 2 行「2027-02-09 春节 调休上班」：2027-02-09 是周二，调休上班日应为周六或周日" in text
    )
    assert "第 3 行「2027-13-01 春节 放假」：「2027-13-01」不是有效的日期" in text
    assert "第 4 行「2028-01-01 元旦 放假」：2028-01-01 不在 2027 年" in text
    assert "第 5 行「2027-01-01 元旦 放假」：2027-01-01 已在第 1 行写过" in text
    assert response.context["form"]["lines"].value() == typed
    assert "国办发明电〔2026〕99号" in text
    assert not HolidayYear.objects.exists()
    assert service.calendar().add_workdays(date(2026, 12, 31), 1).provisional


def test_editing_a_built_in_year_starts_from_its_schedule_and_replaces_it(admin_client):
    page = admin_client.get(reverse("workdays_year_edit"), {"year": "2025"})
    lines = page.context["form"]["lines"].value()
    assert "2025-01-28..2025-02-04 春节 放假" in lines
    assert "2025-09-28 国庆节 调休上班" in lines
    # A correction: 2025-10-08 made a working day (fictional), everything else kept.
    corrected = lines.replace("2025-10-07..2025-10-08 国庆节 放假", "2025-10-07 国庆节 放假")
    assert corrected != lines
    assert save_year(admin_client, year="2025", lines=corrected).status_code == 302
    cal = service.calendar()
    assert cal.is_workday(date(2025, 10, 8))
    assert not cal.is_workday(date(2025, 10, 7))
    assert not cal.is_workday(date(2025, 1, 28))
    # Deleting the entry restores the package's schedule.
    response = admin_client.post(reverse("workdays_year_delete", args=[2025]))
    assert response.status_code == 302
    assert not service.calendar().is_workday(date(2025, 10, 8))
    assert ModelLogEntry.objects.filter(action=actions.YEAR_DELETE).count() == 1


def test_an_editor_cannot_change_the_calendar(client, people):
    client.force_login(people.editor)
    assert client.get(reverse("workdays_index")).status_code == 200
    # Wagtail turns a refusal into a redirect to the dashboard with a message.
    home = reverse("wagtailadmin_home")
    for response in (
        client.get(reverse("workdays_year_edit"), {"year": "2027"}),
        save_year(client),
        client.post(reverse("workdays_import")),
        client.post(reverse("workdays_year_delete", args=[2025])),
    ):
        assert (response.status_code, response["Location"]) == (302, home)
    assert "录入 2027 年安排" not in client.get(reverse("workdays_index")).content.decode()
    assert not HolidayYear.objects.exists()


def test_the_permission_lets_a_group_enter_a_year(client, people):
    group = Group.objects.create(name="日历管理")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="workdays", codename="change_holidayyear")
    )
    people.editor.groups.add(group)
    client.force_login(people.editor)
    assert save_year(client).status_code == 302
    assert HolidayYear.objects.get(year=2027).entered_by == people.editor


CSV_WITH_BAD_ROWS = """\
日期,名称,类型,文号
2027-01-01..2027-01-03,元旦,放假,国办发明电〔2026〕99号
2027-02-14,春节,调休上班,
2027-02-30,春节,放假,
2027-02-05..2027-02-11,春节,休息日,
2027-03-03,,放假,
2027-01-02,元旦,放假,
2027-02-05..2027-02-11,春节,放假,
"""


def upload(client, content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("workdays_import"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def test_import_keeps_the_good_rows_and_reports_the_bad(admin_client, people):
    response = upload(admin_client, CSV_WITH_BAD_ROWS.encode("gb18030"), "2027.csv")
    assert response.status_code == 200
    text = response.content.decode()
    assert "读取 7 行，其中 4 行有错误未导入。" in text
    assert "新增 11 天，更新 0 天。" in text
    for row, message in [
        (4, "「2027-02-30」不是有效的日期"),
        (5, "类型「休息日」无法识别，应为「放假」或「调休上班」"),
        (6, "缺少节日名称"),
        (7, "2027-01-02 已在第 2 行写过"),
    ]:
        assert f"<td>{row}</td>" in text
        assert message in text
    row = HolidayYear.objects.get(year=2027)
    assert row.announced_by == "国办发明电〔2026〕99号"
    assert row.days.count() == 11
    assert not service.calendar().add_workdays(date(2026, 12, 31), 1).provisional
    assert service.calendar().add_workdays(date(2026, 12, 31), 1).day == date(2027, 1, 4)
    assert ModelLogEntry.objects.filter(action=actions.DAYS_IMPORT).count() == 1


def test_a_file_that_cannot_be_read_saves_nothing(admin_client):
    response = upload(admin_client, b"PK\x03\x04 not really a workbook", "2027.xlsx")
    assert response.status_code == 200
    assert "文件不是有效的 Excel 工作簿" in response.content.decode()
    response = upload(admin_client, "日期,名称\n2027-01-01,元旦\n".encode(), "2027.csv")
    assert "表头缺少必填列：类型" in response.content.decode()
    response = upload(admin_client, b"x", "2027.pdf")
    assert "只能导入 .xlsx、.csv 或 .tsv 文件" in response.content.decode()
    assert not HolidayYear.objects.exists() and not SpecialDay.objects.exists()


def test_a_correction_row_for_a_built_in_year_keeps_the_rest_of_it(admin_client):
    upload(admin_client, "日期,名称,类型\n2026-10-08,国庆节,放假\n".encode(), "fix.csv")
    cal = service.calendar()
    assert not cal.is_workday(date(2026, 10, 8))
    assert not cal.is_workday(date(2026, 2, 16))  # 春节, from the package
    assert cal.is_workday(date(2026, 2, 28))  # 调休上班, from the package


def test_export_reads_back_through_the_import(admin_client):
    response = admin_client.get(reverse("workdays_export"), {"year": "2025"})
    assert response.status_code == 200
    parsed = parse_file(response.content, "workdays-2025.xlsx")
    assert not parsed.errors
    assert len([e for e in parsed.entries if e.kind == "workday"]) == 5
    assert {e.day for e in parsed.entries if e.kind == "holiday"} >= {date(2025, 10, 8)}
    # Importing it unchanged changes nothing but makes 2025 an entered year with the same days.
    upload(admin_client, response.content, "workdays-2025.xlsx")
    assert HolidayYear.objects.get(year=2025).days.count() == len(parsed.entries)
    assert service.calendar().add_workdays(date(2025, 9, 26), 20).day == date(2025, 10, 30)


def test_other_processes_notice_a_change_within_seconds(db, monkeypatch):
    first = service.calendar()
    assert service.calendar() is first
    # Another process writes: no signal reaches this one.
    row = HolidayYear.objects.bulk_create(
        [HolidayYear(year=2027, entered_at="2026-11-27T10:00:00+08:00")]
    )[0]
    SpecialDay.objects.bulk_create(
        [SpecialDay(year=row, day=date(2027, 1, 1), kind="holiday", name="元旦")]
    )
    assert service.calendar() is first  # within RECHECK_SECONDS
    monkeypatch.setattr(service, "RECHECK_SECONDS", 0.0)
    assert not service.calendar().is_workday(date(2027, 1, 1))


def test_the_calculator_rejects_bad_input_in_chinese(admin_client):
    text = admin_client.get(
        reverse("workdays_index"), {"start": "2025-02-30", "days": "-1"}
    ).content.decode()
    assert "请填写有效的日期。" in text
    assert "工作日数不能为负数。" in text
