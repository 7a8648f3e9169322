"""Schemathesis against the committed OpenAPI schema: no server error, every answer as documented.

Requests generated from docs/openapi.json go through the WSGI application to
the test database (SQLite or PostgreSQL, whichever the suite runs on) holding
published items with sealed records, so the item operations answer 200 as
well as 404 and 422. Each answer must not be a 5xx, must have a status the
operation documents, and a body that conforms to the schema documented for
that status: every error in the one shape of `core.api_errors`.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from govmedia.management.commands.export_openapi import SCHEMA_PATH
from govmedia.publishing.tests.factories import published_item

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

schema = schemathesis.openapi.from_path(SCHEMA_PATH)
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def application(people, wsgi_application):
    published_item(people)
    published_item(people, title="关于公布2026年度部门预算的通知")
    return wsgi_application


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    # One database for all the examples of an operation: the API only reads.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_every_generated_request_as_its_schema_says(case, application):
    case.call_and_validate(app=application, checks=CHECKS)
