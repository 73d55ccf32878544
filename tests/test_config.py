"""Settings validation for the list lifecycle (LISTS_REFRESH_SECONDS); ES settings: tests/search/es."""

from __future__ import annotations

import pytest

from ai_service.config import ConfigError, load_settings


@pytest.mark.parametrize(("raw", "seconds"), [(None, 0.0), ("", 0.0), ("0", 0.0), ("1", 1.0), ("3600", 3600.0),
                                              ("90.5", 90.5)])
def test_refresh_interval_accepted(raw, seconds):
    env = {} if raw is None else {"LISTS_REFRESH_SECONDS": raw}
    assert load_settings(env).lists_refresh_seconds == seconds


@pytest.mark.parametrize(("raw", "message"), [
    ("0.5", "must be 0 (off) or at least 1"),
    ("-5", "must be at least 0"),
    ("soon", "expected a number of seconds"),
    ("nan", "expected a number of seconds"),
    ("1e9", "at most 604800"),
])
def test_bad_refresh_interval_names_the_variable(raw, message):
    with pytest.raises(ConfigError) as info:
        load_settings({"LISTS_REFRESH_SECONDS": raw})
    assert str(info.value).startswith("LISTS_REFRESH_SECONDS=") and message in str(info.value)
