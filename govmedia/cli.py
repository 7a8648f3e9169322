"""The `govmedia` console script: a thin dispatcher over management commands."""

from __future__ import annotations

import os
import sys

# Friendly names for the commands an operator uses most; anything else is
# passed to Django's management commands unchanged.
ALIASES = {
    "check": "checktext",
    "system-check": "check",
    "import-orgs": "import_orgs",
    "export-orgs": "export_orgs",
    "demo": "load_demo",
}

# The commands that may create the data directory and the generated secret key
# (the ones that set up or serve an installation);
# everything else (system-check included) only reads.
PREPARING_COMMANDS = {"setup", "run", "migrate", "restore"}

USAGE = """\
usage: govmedia COMMAND [OPTIONS]

Operate a govmedia installation (政务新媒体运营与监管平台).

Main commands:
  setup [--demo]        create or upgrade the database, the site and the seal key;
                        --demo also loads the 示例市 demo data into an empty database
  run [--port N]        serve the web site and run the background worker together;
                        Ctrl+C or SIGTERM stops both
  worker                run background tasks and the periodic scheduler only
  archive verify        check every sealed archive record and that every publication
                        and withdrawal has one; exit 1 on any problem
  archive rotate-key --reason TEXT
                        retire the seal key and put a new one in service (audited)
  backup [-o DIR]       write one dated archive: database, media, seal key, secret key
  restore FILE [--force]
                        restore a backup onto an empty installation, then verify it;
                        exit 1 when it does not match the backup
  check [PATH ...]      run the content-check engine over files or standard input;
                        --fix writes the corrected text (see `govmedia check --help`)
  check-eval SECTION    measure the content checks (false alarms on real prose,
                        typo recall, privacy recall, imported-list guard)
  opinion-eval [--seed N]
                        score opinion monitoring on its labelled synthetic stream:
                        event grouping (B-cubed), burst delays, rumour matching,
                        sentiment accuracy on the held-out set; needs no database
  opinion-list KIND [--department D] [--days N]
                        CSV of opinion events, incidents, plans, claims or posts as the
                        department D (id, name or short name; and those under it) sees them
  opinion-vendor NAME [--department D] [--plan ID] [--unbound]
                        issue a data vendor's push token (printed once); bind its posts
                        to departments or 监测方案
  import-orgs / export-orgs KIND FILE
                        .xlsx import and export of departments, people, channels
  workdays add START N  the deadline N working days after START (counted from the next
                        day) with the explanation; `workdays years` lists the known years
  inspect [--date DAY]  run an inspection round: judge every watched channel against the
                        national indicators, score, rank, issue rectification notices
  sources list | read ID... | read --due | probe ID... | try KIND URL [--config JSON]
                        the channels' readers: list the sources, read or probe now,
                        try a reader on an address without storing anything
  reach pull | scores [--day DAY] [--channel ID]
                        pull the WeChat/Weibo statistics of a day now, or recompute the
                        accounts' WCI/BCI (docs/reach.md)
  demo                  load the demo data (same as setup --demo)
  channels rekey | test CHANNEL_ID
                        the channels' publishing interfaces: encrypt the stored credentials
                        again under the first GOVMEDIA_CREDENTIALS_KEY, or check a channel's
                        credentials against its API
  system-check          Django's configuration checks

Every other Django management command works too (migrate, createsuperuser,
changepassword, publish_scheduled, ...). `govmedia COMMAND --help` tells more.
Settings come from environment variables; see .env.example.
"""


def check_needs_django(args: list[str]) -> bool:
    """Whether `govmedia check ARGS` must start Django to add the database's word lists.

    Only a configured installation has them: DATABASE_URL set, or the SQLite
    database in the data directory existing (`govmedia setup` made it). With
    --no-db, for --help, or on a machine with no installation, the command runs
    framework-free and starts in a fraction of the time.
    """
    if "--no-db" in args or "-h" in args or "--help" in args:
        return False
    if os.environ.get("DATABASE_URL", "").strip():
        return True
    from govmedia.core.env import SQLITE_FILE_NAME, data_dir

    return (data_dir() / SQLITE_FILE_NAME).exists()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    if argv[0] in {"--version", "version"}:
        from govmedia import __version__

        print(f"govmedia {__version__}")
        return 0
    if argv[0] == "check-eval":
        # Framework-free: measuring the engine needs no database.
        from govmedia.checks.measure.cli import main as check_eval

        return check_eval(argv[1:])
    if argv[0] == "opinion-eval":
        # Framework-free too: the pipeline and its synthetic stream need no database.
        from govmedia.opinion.evaluate import main as opinion_eval

        return opinion_eval(argv[1:], prog="govmedia opinion-eval")
    if argv[0] == "check" and not check_needs_django(argv[1:]):
        from govmedia.checks.cli import environment_args
        from govmedia.checks.cli import main as check

        help_asked = "-h" in argv or "--help" in argv
        return check([*([] if help_asked else environment_args()), *argv[1:]])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
    command = ALIASES.get(argv[0], argv[0].replace("-", "_"))
    if command in PREPARING_COMMANDS and not any(a in {"-h", "--help"} for a in argv[1:]):
        # Before Django reads the settings, so this process already uses the new key.
        from govmedia.core.env import data_dir, prepare_data_dir

        for path in prepare_data_dir(data_dir()):
            print(f"created {path}")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["govmedia", command, *argv[1:]])
    except KeyboardInterrupt:
        return 130
    return 0


def run() -> None:
    """Console-script entry point: `main`, quiet when the reader of its output goes away."""
    try:
        sys.exit(main())
    except BrokenPipeError:
        # `govmedia ... | head` closed the pipe: not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    run()
