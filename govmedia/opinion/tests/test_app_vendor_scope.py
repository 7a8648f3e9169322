"""A vendor bound to a department feeds only its plans; the commands list what a department sees.

The rule is access.py's (vendor_plan_ids, vendor_departments, posts_for,
scope_of): tested here through the push API over HTTP with two vendors of two
departments, the admin's pages of each department's analyst, and the
opinion_list and opinion_vendor commands.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from govmedia.opinion import access, jobs, processing
from govmedia.opinion.models import Alert, Event, MonitoringPlan, PostRecord, Vendor
from govmedia.opinion.tests import helpers

pytestmark = pytest.mark.django_db

SCHOOL = "示例市第一中学食堂多名学生午饭后呕吐腹痛，疑似食物中毒，已送医院"
BRIDGE = "示例大桥上公交车与货车相撞，桥面拥堵，多名乘客受伤被送往医院救治"
# Both departments' plans match both stories: without the binding, each event
# would go to both departments.
BOTH = "食堂 OR 中毒 OR 大桥 OR 公交"


@pytest.fixture
def scoped(people):
    education_plan = helpers.plan(people.education, expression=BOTH)
    transport_plan = helpers.plan(people.transport, expression=BOTH)
    school_vendor, school_token = helpers.vendor("教育舆情数据公司")
    school_vendor.departments.set([people.education])
    bridge_vendor, bridge_token = helpers.vendor("交通舆情数据公司")
    bridge_vendor.plans.set([transport_plan])
    helpers.make_analyst(people.editor)  # 示例市教育局
    helpers.make_analyst(people.other_editor)  # 示例市交通运输局
    processing.reset()
    return education_plan, transport_plan, school_token, bridge_token


def _event_of(prefix: str) -> Event:
    return PostRecord.objects.get(channel__startswith="vendor:", key=f"{prefix}0").event


def _dashboard_words(client) -> set[str]:
    page = client.get("/admin/opinion/").content.decode()
    data = re.search(r'<script id="op-dashboard-data" type="application/json">(.*?)</script>', page)
    assert data is not None
    return {w["name"] for w in json.loads(data.group(1))["words"]}


def _csv(*args: str) -> list[list[str]]:
    out = io.StringIO()
    call_command("opinion_list", *args, stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_the_rule_for_vendors_lives_in_access(people, scoped):
    education_plan, transport_plan, *_ = scoped
    school, bridge = (
        Vendor.objects.get(name="教育舆情数据公司"),
        Vendor.objects.get(name="交通舆情数据公司"),
    )
    assert access.vendor_plan_ids(school) == {education_plan.pk}
    assert access.vendor_plan_ids(bridge) == {transport_plan.pk}
    assert access.scope_of(school) == {people.education.pk}
    assert access.scope_of(bridge) == {people.transport.pk}
    unbound, _token = helpers.vendor("全市数据公司")
    assert access.vendor_plan_ids(unbound) is None and access.scope_of(unbound) is None
    # A vendor bound to the city feeds the plans of the departments under it.
    unbound.departments.set([people.city])
    assert access.vendor_plan_ids(unbound) == {education_plan.pk, transport_plan.pk}


def test_two_vendors_of_two_departments_feed_only_their_plans_over_http(client, people, scoped):
    *_, school_token, bridge_token = scoped
    start = timezone.now() - timedelta(minutes=30)
    assert (
        helpers.push(
            client, school_token, helpers.posts(12, start=start, text=SCHOOL, prefix="s")
        ).status_code
        == 202
    )
    assert (
        helpers.push(
            client, bridge_token, helpers.posts(12, start=start, text=BRIDGE, prefix="b")
        ).status_code
        == 202
    )
    jobs.tick()

    school_event, bridge_event = _event_of("s"), _event_of("b")
    assert school_event != bridge_event
    assert set(school_event.departments.all()) == {people.education}
    assert set(bridge_event.departments.all()) == {people.transport}
    # Alerts went to each vendor's department's plan only.
    assert {a.plan.department for a in Alert.objects.filter(event=school_event)} == {
        people.education
    }
    assert {a.plan.department for a in Alert.objects.filter(event=bridge_event)} == {
        people.transport
    }

    # Each department's analyst sees their vendor's event, and not the other one.
    client.force_login(people.editor)
    assert client.get(f"/admin/opinion/events/{school_event.pk}/").status_code == 200
    assert client.get(f"/admin/opinion/events/{bridge_event.pk}/").status_code == 404
    listing = client.get("/admin/opinion/events/").content.decode()
    assert "第一中学食堂" in listing and "示例大桥" not in listing
    client.force_login(people.other_editor)
    assert client.get(f"/admin/opinion/events/{bridge_event.pk}/").status_code == 200
    assert client.get(f"/admin/opinion/events/{school_event.pk}/").status_code == 404


def test_an_event_fed_by_both_vendors_shows_each_department_only_its_vendors_posts(
    client, people, scoped
):
    *_, school_token, bridge_token = scoped
    start = timezone.now() - timedelta(minutes=30)
    helpers.push(client, school_token, helpers.posts(3, start=start, text=SCHOOL, prefix="s"))
    # The other vendor's copies of the same story (its own wording of the reposts).
    copies = helpers.posts(3, start=start, text=SCHOOL, prefix="x")
    for post in copies:
        post["text"] = post["text"].replace("位网友转述", "位用户转发")
    helpers.push(client, bridge_token, copies)
    jobs.tick()
    event = _event_of("s")
    assert _event_of("x") == event
    assert set(event.departments.all()) == {people.education, people.transport}

    client.force_login(people.editor)
    page = client.get(f"/admin/opinion/events/{event.pk}/").content.decode()
    assert "第1位网友转述" in page and "第1位用户转发" not in page
    # The dashboard's word counts read the same posts.
    words = _dashboard_words(client)
    assert "转述" in words and "转发" not in words
    client.force_login(people.other_editor)
    page = client.get(f"/admin/opinion/events/{event.pk}/").content.decode()
    assert "第1位用户转发" in page and "第1位网友转述" not in page
    words = _dashboard_words(client)
    assert "转发" in words and "转述" not in words
    client.force_login(people.supervisor)
    page = client.get(f"/admin/opinion/events/{event.pk}/").content.decode()
    assert "第1位用户转发" in page and "第1位网友转述" in page

    # The command exports each department's posts by the same rule.
    education = {row[2] for row in _csv("posts", "--department", "示例市教育局")[1:]}
    transport = {row[2] for row in _csv("posts", "--department", str(people.transport.pk))[1:]}
    everything = {row[2] for row in _csv("posts")[1:]}
    assert education == {"s0", "s1", "s2"}
    assert transport == {"x0", "x1", "x2"}
    assert everything == education | transport


def test_an_event_no_plan_matched_goes_to_the_bound_vendors_plan_only(client, people, scoped):
    education_plan, transport_plan, school_token, _ = scoped
    # Neither plan matches: the alert falls back to a plan, which must be the vendor's.
    MonitoringPlan.objects.filter(pk__in=[education_plan.pk, transport_plan.pk]).update(
        expression="不会出现的词"
    )
    processing.reset()
    angry = "示例市第一中学食堂饭菜太差了，学生吃了肚子疼，太气人了，必须严查"
    helpers.push(
        client,
        school_token,
        helpers.posts(12, start=timezone.now() - timedelta(minutes=20), text=angry, prefix="s"),
    )
    jobs.tick()
    event = _event_of("s")
    alerts = list(Alert.objects.filter(event=event))
    assert alerts and {a.plan_id for a in alerts} == {education_plan.pk}
    assert set(event.departments.all()) == {people.education}


def test_the_list_command_scopes_by_department(people, scoped):
    education_plan, transport_plan, *_ = scoped
    header, *rows = _csv("plans", "--department", "示例市教育局")
    assert header[:2] == ["编号", "方案名称"]
    assert [int(r[0]) for r in rows] == [education_plan.pk]
    # The city sees the departments under it, as its analyst would.
    city = {int(r[0]) for r in _csv("plans", "--department", "示例市人民政府")[1:]}
    assert city == {education_plan.pk, transport_plan.pk}
    assert {int(r[0]) for r in _csv("plans")[1:]} == {education_plan.pk, transport_plan.pk}
    with pytest.raises(CommandError, match="没有名为"):
        _csv("plans", "--department", "不存在的局")


def test_the_vendor_command_binds_and_unbinds(people, scoped):
    education_plan, transport_plan, *_ = scoped
    out = io.StringIO()
    call_command("opinion_vendor", "新数据公司", "--department", "示例市交通运输局", stdout=out)
    vendor = Vendor.objects.get(name="新数据公司")
    assert "限定范围：示例市交通运输局" in out.getvalue()
    assert access.vendor_plan_ids(vendor) == {transport_plan.pk}
    # A new token keeps the binding; --unbound lifts it.
    call_command("opinion_vendor", "新数据公司", stdout=io.StringIO())
    assert access.vendor_plan_ids(vendor) == {transport_plan.pk}
    call_command("opinion_vendor", "新数据公司", "--unbound", stdout=io.StringIO())
    assert access.vendor_plan_ids(vendor) is None
    with pytest.raises(CommandError, match="没有编号为"):
        call_command("opinion_vendor", "新数据公司", "--plan", "999999", stdout=io.StringIO())


def test_a_supervisor_binds_a_vendor_in_the_admin(client, people, scoped):
    client.force_login(people.supervisor)
    vendor = Vendor.objects.get(name="教育舆情数据公司")
    form = client.get(f"/admin/opinion/vendors/edit/{vendor.pk}/").content.decode()
    assert "限定机构" in form and "限定监测方案" in form
    listing = client.get("/admin/opinion/vendors/").content.decode()
    assert "示例市教育局" in listing
