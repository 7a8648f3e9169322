from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

SCHEMA_PATH = Path(settings.PROJECT_DIR) / "docs" / "openapi.json"


def current_schema() -> str:
    from govmedia.api import api

    return json.dumps(api.get_openapi_schema(), indent=1, ensure_ascii=False, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write the API's OpenAPI schema to docs/openapi.json (a test fails when the committed copy is stale)."

    def handle(self, *args, **options):
        SCHEMA_PATH.write_text(current_schema(), encoding="utf-8")
        self.stdout.write(f"wrote {SCHEMA_PATH}")
