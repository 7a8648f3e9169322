from __future__ import annotations

from django.core.management.base import BaseCommand

from govmedia.devtools.demo import DEMO_LOGINS, DEMO_SIZES, load_demo


class Command(BaseCommand):
    help = (
        "Load demo data for 示例市 (a fictional city): departments, channels, people for every role "
        "and 50+ items taken through the real publishing workflow. Meant for an empty installation."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=DEMO_SIZES,
            default="full",
            help="full: ten departments and 79 items (default); small: three departments "
            "and ten items, one in each stage of the procedure",
        )

    def handle(self, *args, **options):
        from django.core.management.base import CommandError

        from govmedia.publishing.keyring import SealKeyError, check_sealing_possible

        # The demo publishes through the real procedure, which needs the seal key
        # that only `govmedia setup` makes.
        try:
            check_sealing_possible()
        except SealKeyError as exc:
            raise CommandError(f"{exc}. Run `govmedia setup --demo` instead.") from exc
        self.stdout.write("loading demo data ...")
        result = load_demo(
            progress=lambda message: (
                self.stdout.write(f"  {message}", ending="\r") if options["verbosity"] > 1 else None
            ),
            size=options["size"],
        )
        self.stdout.write(
            f"demo data: {result['departments']} departments, {result['people']} people, {result['items']} items, {result['messages']} desk messages"
        )
        self.stdout.write(f"demo password for every account: {DEMO_LOGINS['password']}")
