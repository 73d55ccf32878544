"""Settings validation: list lifecycle, feature flags, audit log; ES settings: tests/search/es."""

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


def test_feature_flags_default_on_and_switch_off():
    settings = load_settings({})
    assert settings.feature_vector_retrieval is True and settings.feature_trace is True
    off = load_settings({"FEATURE_VECTOR_RETRIEVAL": "false", "FEATURE_TRACE": "0"})
    assert off.feature_vector_retrieval is False and off.feature_trace is False


@pytest.mark.parametrize("name", ["FEATURE_VECTOR_RETRIEVAL", "FEATURE_TRACE"])
def test_bad_feature_flag_names_the_variable(name):
    with pytest.raises(ConfigError) as info:
        load_settings({name: "maybe"})
    assert str(info.value) == f"{name}='maybe': expected true or false"


def test_audit_settings(tmp_path):
    settings = load_settings({"AUDIT_LOG_PATH": str(tmp_path / "new" / "audit.jsonl"), "AUDIT_HASH_KEY": "k" * 16})
    assert settings.audit_log_path.endswith("audit.jsonl") and settings.audit_hash_key == "k" * 16
    assert load_settings({}).audit_log_path is None
    with pytest.raises(ConfigError) as info:
        load_settings({"AUDIT_LOG_PATH": str(tmp_path)})
    assert str(info.value).startswith("AUDIT_LOG_PATH=") and "is a directory" in str(info.value)
    with pytest.raises(ConfigError) as info:
        load_settings({"AUDIT_HASH_KEY": "short-secret"})
    assert str(info.value).startswith("AUDIT_HASH_KEY:") and "short-secret" not in str(info.value)
