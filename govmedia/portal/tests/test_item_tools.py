"""The item page's 打印 button and the print style that leaves out the site's furniture."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders

from govmedia.portal.tests.helpers import publish_item

pytestmark = pytest.mark.django_db


def test_it_offers_a_print_button_and_a_print_style(client, people):
    text = client.get(publish_item(people).url).text

    assert (
        '<button type="button" class="print-button" onclick="window.print()">打印</button>' in text
    )
    assert 'href="/static/portal/print.css" media="print"' in text


def test_the_print_style_hides_navigation_footer_and_tools():
    css = open(finders.find("portal/print.css"), encoding="utf-8").read()
    hidden = css[: css.index("{ display: none !important; }")]

    for selector in (".site-header", ".site-nav", ".site-footer", ".breadcrumbs", ".print-button"):
        assert selector in hidden
