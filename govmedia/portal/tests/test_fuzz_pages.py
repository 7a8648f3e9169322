"""No query parameter, however odd, makes a public page answer a server error.

The values are what broke pages before: digits that `str.isdigit()` accepts
but `int()` does not (`²`, `①`), digits of other scripts, numbers beyond the
databases' integers and beyond Python's 4300-digit limit, years outside
1–9999, NUL (PostgreSQL refuses it in any string), control characters and very
long strings. The suite runs on SQLite and on PostgreSQL, so both see them.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govmedia.portal.tests.helpers import publish_item

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EDGE_VALUES = [
    "",
    "0",
    "-1",
    "²",
    "①",
    "٢٠٢٦",
    "２０２６",
    "\x00",
    "1\x00",
    "10000",
    "9223372036854775807",
    "9223372036854775808",
    "9" * 30,
    "9" * 5000,
    "1e3",
    " 12 ",
    "2026-02-30",
    "0000-01-01",
    "9999-12-31",
    "../",
    "<script>",
]

VALUES = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.integers().map(str),
    st.integers(min_value=2**31, max_value=10**40).map(str),
    st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=6),
    st.text(max_size=40),
    st.text(min_size=200, max_size=3000),
)


def public_pages(people, item) -> list[tuple[str, list[str]]]:
    """Every public page type with the query parameters it reads."""
    department = f"/xxgk/{people.education.code_compact.lower()}/"
    slug = people.education.code_compact.lower()
    category = item.category_id
    return [
        ("/", []),
        ("/xxgk/", ["department", "category", "year", "page"]),
        (department, ["category", "year", "page"]),
        (item.url, []),
        ("/search/", ["q", "department", "category", "from", "to", "page"]),
        ("/departments/", []),
        ("/annual-reports/", ["page", "year"]),
        ("/feeds/rss/", []),
        ("/feeds/atom/", []),
        (f"/feeds/department/{slug}/rss/", []),
        (f"/feeds/category/{category}/atom/", []),
        ("/seal/verify/", ["index"]),
        ("/seal/checkpoints/", ["page"]),
        ("/care/", ["on", "next"]),
    ]


@pytest.fixture
def pages(people):
    item = publish_item(people, title="关于招生工作的通知")
    publish_item(people, title="交通运输信息", department=people.transport)
    return public_pages(people, item)


@settings(
    max_examples=250,
    deadline=None,
    database=None,
    # One set of pages for every example: the requests only read.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_query_parameter_makes_a_public_page_fail(client, pages, data):
    path, names = data.draw(st.sampled_from(pages), label="page")
    keys = st.sampled_from([*names, "x"]) if names else st.just("x")
    params = data.draw(st.dictionaries(keys, VALUES, max_size=4), label="params")
    response = client.get(f"{path}?{urlencode(params)}")
    assert response.status_code < 500, (path, params)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    key=st.one_of(
        st.integers(min_value=0, max_value=10**40).map(str),
        st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True),
    ),
    kind=st.sampled_from(["department", "category"]),
)
def test_no_feed_key_makes_a_feed_fail(client, db, key, kind):
    response = client.get(f"/feeds/{kind}/{key}/rss/")
    assert response.status_code in (200, 404), (kind, key)


PATH_TEMPLATES = [
    "/{}/",
    "/xxgk/{}/",
    "/xxgk/{}/{}/",
    "/xxgk/11000000mb00000027/{}/",
    "/seal/records/{}.json",
    "/seal/records/11000000MB00000027/{}.json",
    "/feeds/department/{}/atom/",
]


@settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    template=st.sampled_from(PATH_TEMPLATES),
    segments=st.lists(
        st.one_of(st.sampled_from(EDGE_VALUES[1:]), st.text(min_size=1, max_size=40)),
        min_size=2,
        max_size=2,
    ),
)
def test_no_path_segment_makes_a_public_page_fail(client, pages, template, segments):
    path = template.format(*(quote(segment, safe="") for segment in segments))
    response = client.get(path)
    assert response.status_code < 500, path
