"""The JSON API's one error shape, shared by every router under /api/ (docs/api.md).

Every error the API answers is `{"error": {"code": ..., "message": ...}}`:
`code` is a stable English word for programs, `message` a Chinese sentence for
people. Each operation lists the error statuses it can answer in its OpenAPI
`responses`, always with this schema, so a client (and the schemathesis test)
can rely on the shape of any non-2xx answer.
"""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

from ninja import Schema

# The codes, one per status the API answers with; docs/api.md lists them.
NOT_FOUND = "not_found"
METHOD_NOT_ALLOWED = "method_not_allowed"
INVALID_REQUEST = "invalid_request"
PAYLOAD_TOO_LARGE = "payload_too_large"
SERVER_ERROR = "server_error"


class ErrorDetail(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    """The body of every error answer under /api/."""

    error: ErrorDetail


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The documented error answers of one operation: the given statuses, and 500 for every one."""
    return {status: ErrorOut for status in (*statuses, 500)}
