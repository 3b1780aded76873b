"""Project-wide test set-up: fail on undefined template variables, keep browser artefacts."""

import pytest


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    # A typo in a template variable must fail a test, not render an empty string.
    for template in settings.TEMPLATES:
        template["OPTIONS"]["string_if_invalid"] = InvalidVariable("%s")


class InvalidVariable(str):
    def __mod__(self, other: object) -> str:
        raise AssertionError(f"Undefined template variable: {other}")

    def __contains__(self, item: object) -> bool:  # Django's `if "%s" in string_if_invalid` check
        return item == "%s"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
