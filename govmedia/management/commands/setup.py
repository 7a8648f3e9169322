from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection


class Command(BaseCommand):
    help = (
        "Create or upgrade an installation: apply database migrations, create the portal site, "
        "the publishing workflow and, on a new installation only, the seal key (Ed25519, in "
        "GOVMEDIA_SEAL_KEY_FILE, its public half in the keyring). Safe to run again: it never "
        "replaces a key (that is `govmedia archive rotate-key`). With --demo, also load the 示例市 demo data when the database has no departments."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo", action="store_true", help="load demo data into an empty installation"
        )
        parser.add_argument(
            "--demo-size",
            choices=("full", "small"),
            default="full",
            help="with --demo: the full demo (default) or a small one (three departments, ten items)",
        )
        parser.add_argument(
            "--collectstatic", action="store_true", help="also collect static files (production)"
        )

    def handle(self, *args, demo: bool, demo_size: str, collectstatic: bool, **options):
        verbosity = options.get("verbosity", 1)
        # `govmedia setup` made these before Django started (cli.py); repeated for
        # `django-admin setup`, where the generated key serves from the next start.
        from govmedia.core.env import prepare_data_dir

        prepare_data_dir(settings.DATA_DIR)
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
        from govmedia.portal.bootstrap import ensure_site

        ensure_site()
        self._seal_key()
        if collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        if demo:
            from govmedia.orgs.models import Department

            if Department.objects.exists():
                self.stdout.write("demo data: skipped, the database already has departments")
            else:
                call_command("load_demo", size=demo_size, verbosity=verbosity)
        self.stdout.write(self.style.SUCCESS("setup complete"))

    def _seal_key(self) -> None:
        # The only place besides `archive rotate-key` that may make a seal key:
        # the first set-up of an installation. Later runs only check.
        import getpass

        from govmedia.publishing import db_guards, keyring

        # A migration that rebuilt the archive table on SQLite would have dropped them.
        db_guards.install(connection)
        try:
            status, key = keyring.ensure_first_key(actor=getpass.getuser())
        except keyring.SealKeyError as exc:
            raise CommandError(str(exc)) from exc
        path = settings.GOVMEDIA_SEAL_KEY_FILE
        if status == "absent":
            self.stdout.write(
                self.style.WARNING(
                    f"seal key: no private key file at {path} on this machine; it verifies and "
                    f"serves with the keyring (current key {key.key_id}) but cannot seal records"
                )
            )
            return
        messages = {
            "created": "created",
            "registered": "entered in the keyring",
            "present": "in service",
        }
        self.stdout.write(f"seal key: {path} (key id {key.key_id}, {messages[status]})")
        if status == "created":
            self.stdout.write(self.style.WARNING(f"Back up {path}: it is the government's seal."))
