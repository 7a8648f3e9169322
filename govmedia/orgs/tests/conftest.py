import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The people fixture hashes six passwords; the production hasher makes that take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
