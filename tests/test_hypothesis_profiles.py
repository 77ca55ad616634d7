"""The Hypothesis profiles of tests/conftest.py: no test's result depends on how busy the machine is."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.profiles import hypothesis_profile


@pytest.mark.parametrize(
    "environ, profile",
    [
        ({}, "dev"),
        ({"CI": "1"}, "ci"),
        ({"ANNOTATOR_CI": "1"}, "ci"),
        ({"CI": ""}, "dev"),
        ({"CI": "1", "HYPOTHESIS_PROFILE": "dev"}, "dev"),
        ({"HYPOTHESIS_PROFILE": "ci"}, "ci"),
    ],
)
def test_the_profile_follows_the_environment(environ, profile):
    assert hypothesis_profile(environ) == profile


def test_no_profile_times_examples():
    for name in ("ci", "dev"):
        profile = settings.get_profile(name)
        assert profile.deadline is None and HealthCheck.too_slow in profile.suppress_health_check, name
    ci = settings.get_profile("ci")
    assert ci.derandomize and ci.print_blob and ci.database is None
    assert not settings.get_profile("dev").derandomize


@settings(max_examples=5)
@given(st.integers())
def test_a_tests_own_settings_keep_the_profiles_deadline(value):
    """@settings(max_examples=…) without a deadline, as several tests have, takes the loaded profile's (none)."""
    assert settings().deadline is None
