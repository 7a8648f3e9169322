"""Every answer under /api/ is JSON in one error shape; HEAD answers as GET; page_size is capped."""

from __future__ import annotations

import json
from wsgiref.util import setup_testing_defaults

import pytest

from govmedia.management.commands.export_openapi import SCHEMA_PATH
from govmedia.publishing.models import DisclosureCategory
from govmedia.publishing.tests.factories import published_item

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "message"}


def error_of(response, status: int) -> dict[str, str]:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    assert body["error"]["message"]  # a sentence for people, never empty
    return body["error"]


@pytest.mark.parametrize(
    "path", ["/api/v1/nope", "/api/v1/items/", "/api/v1/", "/api/v2/items", "/api/", "/api"]
)
def test_it_answers_an_unknown_address_with_a_json_404(client, path):
    assert error_of(client.get(path), 404)["code"] == "not_found"


def test_it_answers_an_unknown_object_with_a_json_404(client, people):
    assert error_of(client.get("/api/v1/items/NOPE/2026-00001"), 404)["code"] == "not_found"
    assert error_of(client.get("/api/v1/items/NOPE/2026-00001/archive"), 404)["code"] == (
        "not_found"
    )


def test_it_answers_a_method_the_address_does_not_take_with_a_json_405(client, people):
    response = client.post("/api/v1/items", {"title": "x"})
    assert error_of(response, 405)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]
    # Posting to an unknown address is a 404, not the HTML of the CSRF check.
    assert error_of(client.post("/api/v1/nope", {}), 404)["code"] == "not_found"


def test_it_refuses_an_oversized_body_in_the_error_shape(client, settings):
    body = b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post("/api/v1/items", body, content_type="application/octet-stream")
    assert error_of(response, 413)["code"] == "payload_too_large"


@pytest.mark.parametrize(
    "query",
    [
        "page_size=101",
        "page_size=0",
        "page=0",
        "page=100001",
        "year=10000",
        "year=0",
        "year=%C2%B2",  # ², which str.isdigit() accepts
        "department=99999999999999999999",
        "category=-1",
        "year=%00",
    ],
)
def test_it_refuses_a_parameter_out_of_range_with_a_json_422_naming_it(client, query):
    error = error_of(client.get(f"/api/v1/items?{query}"), 422)
    assert error["code"] == "invalid_request"
    assert query.split("=")[0] in error["message"]


def test_it_refuses_a_nul_in_an_index_number_with_a_json_422(client, people):
    # PostgreSQL refuses NUL in a string: this was an HTML 500 there.
    for path in ("/api/v1/items/A%00B", "/api/v1/items/A%00B/archive"):
        assert error_of(client.get(path), 422)["code"] == "invalid_request"


def test_it_caps_page_size_at_one_hundred(client, people):
    published_item(people)
    data = client.get("/api/v1/items?page_size=100").json()
    assert data["count"] == 1 and len(data["items"]) == 1


def test_it_answers_a_fault_with_a_json_500(client, monkeypatch, db):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(DisclosureCategory.objects, "all", broken)
    assert error_of(client.get("/api/v1/categories"), 500)["code"] == "server_error"


def test_it_answers_head_as_get_without_a_body(client, people):
    item = published_item(people)
    for path in ("/api/v1/items", f"/api/v1/items/{item.index_number}", "/api/v1/version"):
        get = client.get(path)
        head = client.head(path)
        assert head.status_code == 200 == get.status_code
        assert head.content == b""
        assert head["Content-Type"] == get["Content-Type"]
        assert int(head["Content-Length"]) == len(get.content)
    missing = client.head("/api/v1/items/NOPE/2026-00001")
    assert missing.status_code == 404 and missing.content == b""


def test_it_sends_no_body_for_head_even_where_the_server_would_not_strip_it(wsgi_application):
    environ = {"REQUEST_METHOD": "HEAD", "PATH_INFO": "/api/v1/version"}
    setup_testing_defaults(environ)
    started = []
    body = b"".join(
        wsgi_application(environ, lambda status, headers: started.append((status, headers)))
    )
    status, headers = started[0]
    assert status.startswith("200") and body == b""
    assert int(dict(headers)["Content-Length"]) > 0


def test_it_documents_an_error_answer_in_the_one_shape_for_every_operation():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    error_ref = "#/components/schemas/ErrorOut"
    assert schema["components"]["schemas"]["ErrorOut"]["properties"]["error"]
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    # 6 of the catalogue, 4 of the desk (docs/desk-api.md).
    assert len(operations) == 10
    for path, method, operation in operations:
        errors = {status: r for status, r in operation["responses"].items() if int(status) >= 400}
        assert "500" in errors, (method, path)
        for status, answer in errors.items():
            ref = answer["content"]["application/json"]["schema"]["$ref"]
            # A refused submission adds its reasons by field to the same shape.
            if (method, path, status) == ("post", "/api/v1/desk/messages", "422"):
                assert ref == "#/components/schemas/FieldErrorOut"
                continue
            assert ref == error_ref
        parameters = operation.get("parameters", [])
        assert ("422" in errors) == bool(parameters), (method, path)
        if "{" in path:
            assert "404" in errors, (method, path)
    page_size = next(
        p for p in schema["paths"]["/api/v1/items"]["get"]["parameters"] if p["name"] == "page_size"
    )
    assert page_size["schema"]["maximum"] == 100
