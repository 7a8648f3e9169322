from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection


class Command(BaseCommand):
    help = (
        "Create or upgrade an installation: apply database migrations, create the portal site, "
        "the publishing workflow and the seal key (Ed25519, in GOVMEDIA_SEAL_KEY_FILE). "
        "Safe to run again. With --demo, also load the 示例市 demo data when the database has no departments."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo", action="store_true", help="load demo data into an empty installation"
        )
        parser.add_argument(
            "--collectstatic", action="store_true", help="also collect static files (production)"
        )

    def handle(self, *args, demo: bool, collectstatic: bool, **options):
        verbosity = options.get("verbosity", 1)
        self.stdout.write(f"data directory: {settings.DATA_DIR}")
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
            raise CommandError(
                f"cannot connect to the {engine} database: {str(exc).strip().splitlines()[0]}. "
                "Check DATABASE_URL (unset it to use SQLite in GOVMEDIA_DATA_DIR)."
            ) from exc
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        from govmedia.publishing import archive
        from govmedia.publishing.bootstrap import ensure_site

        ensure_site()
        self.stdout.write(
            f"seal key: {settings.GOVMEDIA_SEAL_KEY_FILE} (key id {archive.current_key_id()})"
        )
        if collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        if demo:
            from govmedia.orgs.models import Department

            if Department.objects.exists():
                self.stdout.write("demo data: skipped, the database already has departments")
            else:
                call_command("load_demo", verbosity=verbosity)
        self.stdout.write(self.style.SUCCESS("setup complete"))
