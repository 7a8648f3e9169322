import pytest


@pytest.fixture
def people(db):
    from govmedia.core.testing import make_people

    return make_people()


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings):
    # Background work runs inline in tests, so a test sees its effects at once.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
