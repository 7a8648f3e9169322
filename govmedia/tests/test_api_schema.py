from __future__ import annotations

import pytest

from govmedia.management.commands.export_openapi import SCHEMA_PATH, current_schema


def test_it_keeps_the_committed_openapi_schema_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == current_schema(), (
        "docs/openapi.json is stale: run `govmedia export_openapi` and commit it"
    )


@pytest.mark.django_db
def test_it_answers_errors_in_one_shape(client):
    response = client.get("/api/v1/items/NOPE/2026-00001")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "未找到请求的资源。"}}
