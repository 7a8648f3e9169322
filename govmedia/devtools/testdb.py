"""The test database built from the models, holding what the migrations would have put in it.

Applying the ~235 migrations to an empty database takes 8-13 s per test
process, almost all of it Django re-rendering the historical models after
each operation. The tables themselves can be created from the current models
in a fraction of a second (Django's `TEST["MIGRATE"] = False`, "syncdb"). What
syncdb leaves out is what the migrations *do* besides creating tables: their
data operations (`RunPython`, `RunSQL`: Wagtail's root page, default site,
root collection, locale, groups and workflow; our triggers on the archive
tables; our Chinese names for Wagtail's defaults; ...) and the rows of
`django_migrations`.

`replay_data_operations()` runs after syncdb and before the `post_migrate`
signal (as in a real `migrate`):

1. every `RunPython` and `RunSQL` operation of the migration plan, in the
   plan's order, is run against the synced tables with the models of the
   *final* migration state (`loader.project_state().apps`, historical models
   as a data migration sees them, rendered once). A data migration added
   later is therefore picked up without touching this file, as long as its
   code works on the current tables (which a migration written today does);
2. the operations of installed packages' early migrations written for tables
   that have changed since (Wagtail's `GroupPagePermission.permission_type`,
   pages made before pages had a locale, django-tasks-db's old result
   columns) cannot run on today's tables; `REPLACED` names each one and gives
   the function that leaves the same rows in today's tables (for most,
   nothing: the rows they rewrite do not exist in a fresh database). An
   operation that fails and is not listed stops the build with its name;
3. a `SeparateDatabaseAndState` whose database side is SQL (Wagtail's SQLite
   FTS5 table) replaces the table syncdb made for its model with the SQL's;
4. the primary keys of many-to-many tables get the type a migration gives
   them (`_match_many_to_many_keys`);
5. every migration of the plan (and each migration a squashed one replaces)
   is recorded as applied, as `migrate` records them; `post_migrate` (content
   types, permissions, Wagtail's extra permissions) then receives the final
   migration state and the plan, as after a real `migrate`.

`test_testdb.py` builds one database by migrating and one this way and
compares their schemas and rows, on SQLite and on PostgreSQL when
DATABASE_URL names one; it fails when a migration leaves something this path
misses. `GOVMEDIA_TEST_MIGRATE=1` builds the test database by migrating, as
before (docs/testing.md).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

MIGRATE_VARIABLE = "GOVMEDIA_TEST_MIGRATE"

DataFunction = Callable[[Any, Any], None]


def migrate_for_tests() -> bool:
    """True when GOVMEDIA_TEST_MIGRATE asks for the test database to be built by migrating."""
    return os.environ.get(MIGRATE_VARIABLE, "").strip() not in {"", "0"}


# --- Wagtail's early data migrations, rewritten for today's tables -----------
#
# Read from wagtail/migrations (Wagtail 8.0). On a fresh database they create
# the page tree's root and the welcome page under it, the default site, the
# groups "Moderators" and "Editors" with page permissions on the root, the
# root collection, the default workflow with one group approval task, and the
# default locale. The later operations that only transform existing rows
# (`permission_type` "edit" to "change", a `permission` foreign key from
# `permission_type`) are folded into the rows these functions create.


def _page_permission(apps: Any, action: str) -> Any:
    """The auth permission `<action>_page`, named as 0086 or `post_migrate` would name it."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    codename = f"{action}_page"
    name = dict(Page._meta.permissions).get(codename, f"Can {action} {Page._meta.verbose_name_raw}")
    permission, _ = Permission.objects.get_or_create(
        content_type=page_type, codename=codename, defaults={"name": name}
    )
    return permission


def _wagtail_initial_data(apps: Any, schema_editor: Any) -> None:
    """wagtailcore 0001 initial_data: root page, welcome page, site, groups and their page permissions.

    Today's pages need a locale, which 0054 creates and 0056 assigns; the
    locale is created here instead (0054's replacement then finds it).
    """
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant

    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.objects.create(
        title="Root",
        draft_title="Root",  # 0040
        slug="root",
        content_type=page_type,
        path="0001",
        depth=1,
        numchild=1,
        url_path="/",
        locale=locale,
    )
    home = Page.objects.create(
        title="Welcome to your new Wagtail site!",
        draft_title="Welcome to your new Wagtail site!",
        slug="home",
        content_type=page_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
    )
    Site.objects.get_or_create(hostname="localhost", root_page_id=home.id, is_default_site=True)
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    editors, _ = Group.objects.get_or_create(name="Editors")
    # permission_type "edit" became "change" in 0086, which also filled `permission`.
    for group, action in [
        (moderators, "add"),
        (moderators, "change"),
        (moderators, "publish"),
        (editors, "add"),
        (editors, "change"),
        (moderators, "lock"),
    ]:
        GroupPagePermission.objects.create(
            group=group, page=root, permission=_page_permission(apps, action)
        )


def _wagtail_unlock_permission(apps: Any, schema_editor: Any) -> None:
    """wagtailcore 0045: every group that may lock pages may unlock them."""
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    unlock = _page_permission(apps, "unlock")
    for lock in GroupPagePermission.objects.filter(permission__codename="lock_page"):
        GroupPagePermission.objects.create(group=lock.group, page=lock.page, permission=unlock)


def _wagtail_default_workflow(apps: Any, schema_editor: Any) -> None:
    """wagtailcore 0048: one workflow and group approval task per set of groups that may publish.

    On a fresh database that is the Moderators, who may publish the root page.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    for permission in GroupPagePermission.objects.filter(permission__codename="publish_page"):
        groups = Group.objects.filter(
            page_permissions__permission__codename="publish_page",
            page_permissions__page=permission.page,
        ).distinct()
        names = " ".join(group.name for group in groups)
        task = GroupApprovalTask.objects.create(
            name=names + " approval", content_type=task_type, active=True
        )
        task.groups.set(groups)
        workflow = Workflow.objects.create(name=task.name, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.create(workflow=workflow, page=permission.page)


def _wagtail_initial_locale(apps: Any, schema_editor: Any) -> None:
    """wagtailcore 0054: the default locale (already made for the pages by the 0001 replacement)."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant

    Locale = apps.get_model("wagtailcore", "Locale")
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )


def _nothing_on_a_fresh_database(apps: Any, schema_editor: Any) -> None:
    """The operation only rewrites rows that a fresh database does not hold."""


# (app label, migration name, function name) -> what runs in its place.
REPLACED: dict[tuple[str, str, str], DataFunction] = {
    (
        "wagtailcore",
        "0001_squashed_0016_change_page_url_path_to_text_field",
        "initial_data",
    ): _wagtail_initial_data,
    (
        "wagtailcore",
        "0045_assign_unlock_grouppagepermission",
        "assign_unlock_grouppagepermission",
    ): _wagtail_unlock_permission,
    ("wagtailcore", "0048_add_default_workflows", "create_default_workflows"): (
        _wagtail_default_workflow
    ),
    ("wagtailcore", "0054_initial_locale", "initial_locale"): _wagtail_initial_locale,
    # Rewrites log entries' JSON through `data_json`, renamed `data` in 0069:
    # there are no log entries yet.
    (
        "wagtailcore",
        "0068_log_entry_empty_object",
        "replace_empty_string_with_empty_object",
    ): _nothing_on_a_fresh_database,
    # Move task results between columns dropped since: there are no task results yet.
    (
        "django_tasks_database",
        "0008_separate_results_field",
        "separate_results_field",
    ): _nothing_on_a_fresh_database,
    (
        "django_tasks_database",
        "0013_separate_exception_fields",
        "separate_exception_fields",
    ): _nothing_on_a_fresh_database,
    # Fills `permission` from `permission_type`, a column dropped in 0090:
    # the replacements create the rows with `permission` set.
    (
        "wagtailcore",
        "0086_populate_grouppagepermission_permission",
        "populate_grouppagepermission_permission",
    ): _nothing_on_a_fresh_database,
}


def _function_name(operation: Any) -> str:
    from django.db.migrations.operations.special import RunPython

    if isinstance(operation, RunPython):
        return getattr(operation.code, "__name__", type(operation).__name__)
    return "RunSQL"


def full_plan(connection: Any) -> tuple[Any, list[Any]]:
    """The migration loader, and every migration `migrate` applies to an empty database, in order."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    return executor.loader, [migration for migration, backwards in plan if not backwards]


class UnreplayableMigration(RuntimeError):
    pass


def replay_data_operations(connection: Any) -> tuple[Any, list[Any]] | None:
    """Run the migrations' data operations on tables created by syncdb, and record them applied.

    Returns the final migration state and the plan, which `post_migrate`
    receives after a real `migrate` (its permissions are named from the
    state's models); None for a kept database, replayed when it was made.
    """
    from django.db import transaction
    from django.db.migrations.operations.special import (
        RunPython,
        RunSQL,
        SeparateDatabaseAndState,
    )
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if recorder.has_table() and recorder.migration_qs.exists():
        return None
    loader, plan = full_plan(connection)
    state = loader.project_state()
    operations = [
        (migration, operation)
        for migration in plan
        for operation in migration.operations
        if isinstance(operation, RunPython | RunSQL | SeparateDatabaseAndState)
    ]
    for migration, operation in operations:
        if isinstance(operation, SeparateDatabaseAndState):
            _replay_separate(connection, state, migration, operation)
            continue
        key = (migration.app_label, migration.name, _function_name(operation))
        replacement = REPLACED.get(key)
        with connection.schema_editor(atomic=migration.atomic) as editor:
            if replacement is not None:
                replacement(state.apps, editor)
                continue
            if isinstance(operation, RunPython) and operation.code is RunPython.noop:
                continue
            try:
                with transaction.atomic(using=connection.alias):
                    operation.database_forwards(migration.app_label, editor, state, state)
            except Exception as error:
                raise UnreplayableMigration(
                    f"{key[0]}.{key[1]}: {key[2]} does not run on the tables built from the "
                    f"models ({type(error).__name__}: {error}). Give it a replacement in "
                    f"govmedia/devtools/testdb.py REPLACED, or set {MIGRATE_VARIABLE}=1 "
                    "to build the test database by migrating."
                ) from error

    _match_many_to_many_keys(connection, state)
    recorder.ensure_schema()
    names: list[tuple[str, str]] = []
    for migration in plan:
        # As the executor records them: a squashed migration's replaced ones, then itself.
        names.extend(migration.replaces)
        names.append((migration.app_label, migration.name))
    recorder.migration_qs.bulk_create(
        [recorder.Migration(app=app, name=name) for app, name in names]
    )
    return state, plan


def _match_many_to_many_keys(connection: Any, state: Any) -> None:
    """Give the tables of many-to-many fields the primary key type migrating gives them.

    A migration creates the table of a many-to-many field with the project's
    DEFAULT_AUTO_FIELD (bigint), syncdb with the field's app's own
    `default_auto_field` (integer for django.contrib.auth, for instance). The
    same column on SQLite; on PostgreSQL it is altered to the migrated type.
    """
    from django.apps import apps as global_apps

    with connection.schema_editor() as editor:
        for model in state.apps.get_models(include_auto_created=True):
            if not model._meta.auto_created:
                continue
            current = global_apps.get_model(model._meta.label)
            old, new = current._meta.pk, model._meta.pk
            if old.db_type(connection) != new.db_type(connection):
                editor.alter_field(current, old, new)


def _replay_separate(connection: Any, state: Any, migration: Any, operation: Any) -> None:
    """A SeparateDatabaseAndState whose database side is raw SQL: the SQL makes the tables.

    Wagtail's search migration 0006 declares a model in the state and creates
    its table (an SQLite FTS5 virtual table, with triggers) by SQL; syncdb made
    an ordinary table for that model, which is dropped before the SQL runs.
    """
    from django.db.migrations.operations import CreateModel
    from django.db.migrations.operations.special import RunPython, RunSQL

    if not all(isinstance(step, RunPython | RunSQL) for step in operation.database_operations):
        raise UnreplayableMigration(
            f"{migration.app_label}.{migration.name}: a SeparateDatabaseAndState with schema "
            "operations on its database side; replay it in govmedia/devtools/testdb.py, or set "
            f"{MIGRATE_VARIABLE}=1 to build the test database by migrating."
        )
    with connection.schema_editor(atomic=migration.atomic) as editor:
        for step in operation.state_operations:
            if isinstance(step, CreateModel):
                editor.delete_model(state.apps.get_model(migration.app_label, step.name))
        for step in operation.database_operations:
            step.database_forwards(migration.app_label, editor, state, state)


@contextlib.contextmanager
def built_from_models(alias: str = "default") -> Iterator[None]:
    """Within: creating the test database of `alias` takes the fast path.

    Sets its TEST["MIGRATE"] to False and runs `replay_data_operations` in the
    `migrate --run-syncdb` that Django's test database creation then calls,
    once, just before that command sends `post_migrate`.
    """
    from unittest import mock

    from django.conf import settings
    from django.core.management.commands import migrate as migrate_command
    from django.db import connections
    from django.test import override_settings

    original = migrate_command.emit_post_migrate_signal
    # Django disables every app's migrations while it syncs; the replay needs them.
    migration_modules = settings.MIGRATION_MODULES
    replayed: set[str] = set()

    def replay_then_emit(verbosity: int, interactive: bool, db: str, **kwargs: Any) -> None:
        if db == alias and db not in replayed:
            replayed.add(db)
            with override_settings(MIGRATION_MODULES=migration_modules):
                replayed_state = replay_data_operations(connections[db])
            if replayed_state is not None:
                state, plan = replayed_state
                kwargs.update(apps=state.apps, plan=[(migration, False) for migration in plan])
        original(verbosity, interactive, db, **kwargs)

    test_settings = connections.settings[alias].setdefault("TEST", {})
    before = test_settings.get("MIGRATE", True)
    test_settings["MIGRATE"] = False
    try:
        with mock.patch.object(migrate_command, "emit_post_migrate_signal", replay_then_emit):
            yield
    finally:
        test_settings["MIGRATE"] = before
