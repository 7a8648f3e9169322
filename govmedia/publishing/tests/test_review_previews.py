"""Every preview a reviewer or an editor opens in the admin renders the item, through HTTP."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from govmedia.publishing import actions
from govmedia.publishing.models import DisclosureCategory, ItemPage
from govmedia.publishing.tests.adminforms import form_data
from govmedia.publishing.tests.factories import draft_item, published_item

pytestmark = pytest.mark.django_db


def _submitted_interpretation(people) -> ItemPage:
    # An interpretation of a live policy exercises both sides of the `interprets` relation.
    policy = published_item(people, title="示例市义务教育阶段招生入学办法")
    item = draft_item(people.education, people.editor, title="《招生入学办法》政策解读")
    item.interprets.set([policy])
    item.save_revision(user=people.editor)
    actions.do_submit_item(people.editor, item)
    return ItemPage.objects.get(pk=item.pk)


def test_it_shows_the_reviewer_the_preview_of_the_submitted_revision(people, client):
    item = _submitted_interpretation(people)
    task = item.current_workflow_task
    client.force_login(people.reviewer)
    response = client.get(reverse("wagtailadmin_pages:workflow_preview", args=[item.pk, task.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "《招生入学办法》政策解读" in text
    assert "示例市义务教育阶段招生入学办法" in text


def test_it_shows_the_editor_the_draft_after_submitting(people, client):
    item = _submitted_interpretation(people)
    client.force_login(people.editor)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[item.pk]))
    assert response.status_code == 200
    assert "《招生入学办法》政策解读" in response.content.decode()


def test_it_renders_the_editors_preview_panel(people, client):
    policy = published_item(people, title="示例市义务教育阶段招生入学办法")
    ItemPage.objects.filter(pk=policy.pk).update(is_policy=True)
    item = draft_item(people.education, people.editor, title="《招生入学办法》政策解读")
    client.force_login(people.editor)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[item.pk]))
    data = form_data(edit.content.decode())
    data["title"] = ["预览中的新标题"]
    data["interprets"] = [str(policy.pk)]
    # The preview panel posts the form as it stands, then loads the preview.
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[item.pk])
    result = client.post(preview_url, data)
    assert result.status_code == 200 and result.json()["is_valid"], result.content
    response = client.get(preview_url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "预览中的新标题" in text
    assert "示例市义务教育阶段招生入学办法" in text


def test_it_renders_the_preview_of_a_new_item_before_its_first_save(people, client):
    parent = people.education.index_page
    client.force_login(people.editor)
    add_url = reverse("wagtailadmin_pages:add", args=["publishing", "itempage", parent.pk])
    data = form_data(client.get(add_url).content.decode())
    data["title"] = ["预览中的新标题"]
    data["category"] = [str(DisclosureCategory.objects.first().pk)]
    data["body"] = [_draftail("正文：请各校做好招生工作。")]
    url = reverse("wagtailadmin_pages:preview_on_add", args=["publishing", "itempage", parent.pk])
    result = client.post(url, data)
    assert result.status_code == 200 and result.json()["is_valid"], result.content
    response = client.get(url)
    assert response.status_code == 200
    assert "预览中的新标题" in response.content.decode()


def _draftail(text: str) -> str:
    block = {"key": "a", "type": "unstyled", "text": text, "depth": 0}
    block |= {"inlineStyleRanges": [], "entityRanges": []}
    return json.dumps({"blocks": [block], "entityMap": {}})
