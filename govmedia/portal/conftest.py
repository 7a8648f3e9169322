import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every test builds the same people; hashing their passwords properly costs seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
