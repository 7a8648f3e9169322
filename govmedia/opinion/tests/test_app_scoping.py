"""监测方案, the 辟谣库 and data vendors follow the department rule, through the admin over HTTP."""

from __future__ import annotations

import re

import pytest

from govmedia.devtools.testing import make_user
from govmedia.opinion.models import Claim, MonitoringPlan, Vendor
from govmedia.opinion.tests import helpers
from govmedia.orgs.models import Role

pytestmark = pytest.mark.django_db

PLANS = "/admin/opinion/plans/"
CLAIMS = "/admin/opinion/claims/"
VENDORS = "/admin/opinion/vendors/"


@pytest.fixture
def records(people):
    mine = helpers.plan(people.education, expression="食堂 OR 中毒")
    mine.name = "教育局食堂方案"
    mine.save()
    theirs = helpers.plan(people.transport, expression="公交 AND 停运")
    theirs.name = "交通局公交方案"
    theirs.save()
    my_claim = Claim.objects.create(text="某中学食堂使用过期肉", department=people.education)
    their_claim = Claim.objects.create(text="示例大桥出现裂缝", department=people.transport)
    city_claim = Claim.objects.create(text="全市明天停水", department=None)
    return mine, theirs, my_claim, their_claim, city_claim


def _plan_form(department, name="新方案", expression="考试 AND 作弊") -> dict:
    return {
        "name": name,
        "department": department.pk,
        "expression": expression,
        "exclusions": "",
        "analyst": "",
        "watch_names": "on",
        "enabled": "on",
    }


def test_an_analyst_lists_and_edits_only_their_departments_plans(client, people, records):
    mine, theirs, *_ = records
    helpers.make_analyst(people.editor)  # 示例市教育局
    client.force_login(people.editor)
    listing = client.get(PLANS)
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "教育局食堂方案" in text and "交通局公交方案" not in text

    assert client.get(f"{PLANS}edit/{mine.pk}/").status_code == 200
    assert client.get(f"{PLANS}edit/{theirs.pk}/").status_code == 404
    forged = client.post(
        f"{PLANS}edit/{theirs.pk}/", _plan_form(people.education, name="改掉", expression="x")
    )
    assert forged.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "交通局公交方案" and theirs.department == people.transport
    assert client.get(f"{PLANS}delete/{theirs.pk}/").status_code == 404
    assert client.post(f"{PLANS}delete/{theirs.pk}/").status_code == 404
    assert MonitoringPlan.objects.filter(pk=theirs.pk).exists()
    assert client.get(f"{PLANS}history/{theirs.pk}/").status_code == 404

    edited = client.post(
        f"{PLANS}edit/{mine.pk}/", _plan_form(people.education, name="教育局食堂方案（改）")
    )
    assert edited.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "教育局食堂方案（改）"


def test_an_analyst_cannot_give_a_plan_to_another_department(client, people, records):
    helpers.make_analyst(people.editor)
    client.force_login(people.editor)
    form = client.get(f"{PLANS}new/").content.decode()
    assert "示例市教育局" in form and "示例市交通运输局" not in form
    # The analyst is chosen among the department's people, not another department's.
    analysts = re.search(r'<select name="analyst".*?</select>', form, re.S).group(0)
    assert f'value="{people.reviewer.pk}"' in analysts
    assert f'value="{people.other_editor.pk}"' not in analysts
    refused = client.post(f"{PLANS}new/", _plan_form(people.transport, name="越权方案"))
    assert refused.status_code == 200  # the form again, with the error
    assert not MonitoringPlan.objects.filter(name="越权方案").exists()
    mine, *_ = records
    moved = client.post(f"{PLANS}edit/{mine.pk}/", _plan_form(people.transport))
    assert moved.status_code == 200
    mine.refresh_from_db()
    assert mine.department == people.education
    made = client.post(f"{PLANS}new/", _plan_form(people.education, name="考试方案"))
    assert made.status_code == 302
    assert MonitoringPlan.objects.get(name="考试方案").department == people.education


def test_a_bad_expression_is_refused_in_chinese(client, people, records):
    helpers.make_analyst(people.editor)
    client.force_login(people.editor)
    page = client.post(f"{PLANS}new/", _plan_form(people.education, expression="(考试 AND"))
    assert page.status_code == 200
    assert "表达式第" in page.content.decode()


def test_an_analyst_of_a_higher_department_sees_the_departments_under_it(client, people, records):
    mine, theirs, my_claim, their_claim, city_claim = records
    city_analyst = make_user("city_analyst", "钱分析", people.city, Role.EDITOR)
    helpers.make_analyst(city_analyst)
    client.force_login(city_analyst)
    text = client.get(PLANS).content.decode()
    assert "教育局食堂方案" in text and "交通局公交方案" in text
    assert client.get(f"{PLANS}edit/{theirs.pk}/").status_code == 200
    assert client.get(f"{CLAIMS}edit/{their_claim.pk}/").status_code == 200


def test_claims_follow_the_same_rule(client, people, records):
    _mine, _theirs, my_claim, their_claim, city_claim = records
    helpers.make_analyst(people.editor)
    client.force_login(people.editor)
    text = client.get(CLAIMS).content.decode()
    assert "某中学食堂使用过期肉" in text
    assert "示例大桥出现裂缝" not in text and "全市明天停水" not in text
    assert client.get(f"{CLAIMS}edit/{my_claim.pk}/").status_code == 200
    assert client.get(f"{CLAIMS}edit/{their_claim.pk}/").status_code == 404
    assert client.get(f"{CLAIMS}edit/{city_claim.pk}/").status_code == 404
    assert client.post(f"{CLAIMS}delete/{their_claim.pk}/").status_code == 404
    assert Claim.objects.filter(pk=their_claim.pk).exists()
    # An analyst's claim must name a department (a claim for everyone is a supervisor's).
    page = client.post(
        f"{CLAIMS}new/",
        {"text": "学校要收取补课费", "verdict": "false", "date": "2026-11-27", "department": ""},
    )
    assert page.status_code == 200
    assert not Claim.objects.filter(text="学校要收取补课费").exists()
    made = client.post(
        f"{CLAIMS}new/",
        {
            "text": "学校要收取补课费",
            "verdict": "false",
            "date": "2026-11-27",
            "department": people.education.pk,
        },
    )
    assert made.status_code == 302
    assert Claim.objects.get(text="学校要收取补课费").department == people.education


def test_a_supervisor_sees_and_edits_every_department(client, people, records):
    _mine, theirs, _c1, their_claim, city_claim = records
    client.force_login(people.supervisor)
    text = client.get(PLANS).content.decode()
    assert "教育局食堂方案" in text and "交通局公交方案" in text
    assert "全市明天停水" in client.get(CLAIMS).content.decode()
    response = client.post(
        f"{PLANS}edit/{theirs.pk}/", _plan_form(people.transport, name="交通局公交方案（督）")
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.name == "交通局公交方案（督）"
    assert client.get(f"{CLAIMS}edit/{city_claim.pk}/").status_code == 200


def test_people_without_the_analyst_permission_get_nothing(client, people, records):
    mine, *_ = records
    client.force_login(people.reviewer)  # 教育局, but no 舆情分析
    assert client.get(PLANS).status_code in (302, 403)
    assert client.get(f"{PLANS}edit/{mine.pk}/").status_code in (302, 403, 404)
    assert client.post(f"{PLANS}delete/{mine.pk}/").status_code in (302, 403, 404)
    assert MonitoringPlan.objects.filter(pk=mine.pk).exists()


def test_vendors_are_the_supervisors_business(client, people, records):
    vendor, _token = helpers.vendor()
    helpers.make_analyst(people.editor)
    client.force_login(people.editor)
    assert client.get(VENDORS).status_code in (302, 403)
    assert client.post(f"{VENDORS}edit/{vendor.pk}/", {"name": "改名"}).status_code in (302, 403)
    vendor.refresh_from_db()
    assert vendor.name == "示例舆情数据公司"
    assert "舆情数据供应商" not in client.get("/admin/opinion/").content.decode()

    client.force_login(people.supervisor)
    assert "示例舆情数据公司" in client.get(VENDORS).content.decode()
    response = client.post(
        f"{VENDORS}edit/{vendor.pk}/", {"name": "示例舆情数据公司", "enabled": ""}
    )
    assert response.status_code == 302
    assert not Vendor.objects.get(pk=vendor.pk).enabled
