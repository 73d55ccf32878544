"""Settings from the environment (SPEC §10), validated once at start-up.

Every variable has a default so the service starts with no configuration at all
(embedded backend, the bundled demo list). A bad value stops start-up with a
message naming the variable.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting has a value the service cannot run with."""


@dataclass(frozen=True)
class Settings:
    service_host: str = "0.0.0.0"
    service_port: int = 8000
    service_workers: int = 1
    log_level: str = "INFO"
    log_config: str = str(ROOT / "logging.yaml")
    lists: str | None = None  # LISTS; None → bundled demo list
    lists_refresh_seconds: float = 0.0  # LISTS_REFRESH_SECONDS; 0 → no scheduled refresh
    lists_max_drop: float = 0.2  # LISTS_MAX_DROP: a new list version losing a larger share is refused
    lists_preload: bool = True  # LISTS_PRELOAD: under Gunicorn, the master loads and indexes once for all workers
    search_backend: str = "embedded"
    search_fallback: str = "embedded"
    es_url: str | None = None
    es_username: str | None = None
    es_password: str | None = None
    es_api_key: str | None = None
    es_verify_ssl: bool = True
    es_index: str = "ai-service-entities"  # alias; versions are <alias>-<checksum>
    es_timeout_ms: int = 50  # per search call: a slow cluster must not cost a payment seconds
    es_bulk_timeout_seconds: int = 120
    es_keep_indices: int = 2  # versions kept (the live one included) for rollback and peers
    es_breaker_failures: int = 3
    es_breaker_reset_seconds: float = 5.0
    admin_token: str | None = None
    api_keys: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()
    max_input_length: int = 10_000
    max_batch_size: int = 100
    batch_sharing: bool = True  # BATCH_SHARING: big batches are split with idle Gunicorn workers
    max_body_bytes: int = 0  # 0 → derived from the two limits above
    cache_size: int = 100_000
    search_cache_size: int = 20_000  # SEARCH_CACHE_SIZE: name-query answers kept per worker
    connection_pool_size: int = 20
    prometheus_enabled: bool = True
    rate_limit_per_minute: int | None = None
    audit_log_path: str | None = None  # AUDIT_LOG_PATH; None → no audit log (ai_service/audit)
    audit_hash_key: str | None = None  # AUDIT_HASH_KEY; set → text hashes are HMAC-SHA256 with it
    feature_vector_retrieval: bool = True  # FEATURE_VECTOR_RETRIEVAL: the vector retriever of search
    feature_trace: bool = True  # FEATURE_TRACE: options.explain may add the per-token trace
    cleared_pairs_path: str | None = None
    long_text_threshold: int = 1000
    request_body_timeout_seconds: float = 10.0  # REQUEST_BODY_TIMEOUT_SECONDS: whole body, else 408
    request_header_timeout_seconds: float = 10.0  # REQUEST_HEADER_TIMEOUT_SECONDS: request line + headers
    risk_high: float = 0.85
    risk_medium: float = 0.70
    risk_low: float = 0.50
    list_download_max_bytes: int = 200 * 1024 * 1024

    @property
    def uses_demo_list(self) -> bool:
        return not self.lists

    @property
    def body_limit(self) -> int:
        # JSON may escape every character as a 6-byte \\u escape — allow that, plus the envelope.
        return self.max_body_bytes or (self.max_input_length * 6 * self.max_batch_size + 65_536)


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r}: must be at least {minimum}")
    return value


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float,
            what: str = "a number", low_open: bool = False) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected {what}") from None
    if math.isnan(value):  # NaN passes every comparison below
        raise ConfigError(f"{name}={raw!r}: expected {what}")
    if value > high or value < low or (low_open and value == low):
        bound = "above" if low_open else "at least"
        raise ConfigError(f"{name}={raw!r}: must be {bound} {low:g} and at most {high:g}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    return _number(env, name, default, 0.0, 1.0)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    return _number(env, name, default, 0.0, 3600.0, "a number of seconds", low_open=True)


# A refresh reads and checksums every source: more often than this is load, not freshness.
MIN_REFRESH_SECONDS = 1.0
MAX_REFRESH_SECONDS = 7 * 86400.0


def _refresh_seconds(env: Mapping[str, str], name: str) -> float:
    value = _number(env, name, 0.0, 0.0, MAX_REFRESH_SECONDS, "a number of seconds (0 = off)")
    if 0 < value < MIN_REFRESH_SECONDS:
        raise ConfigError(f"{name}={env.get(name)!r}: must be 0 (off) or at least {MIN_REFRESH_SECONDS:g}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    low = raw.strip().lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r}: expected true or false")


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = (env.get(name) or "").strip()
    if raw.startswith("[") and raw.endswith("]"):  # the older system wrote JSON-ish lists
        raw = raw[1:-1]
    return tuple(p.strip().strip("\"'") for p in raw.split(",") if p.strip().strip("\"'"))


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (env.get(name) or default).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name}={value!r}: expected one of {', '.join(choices)}")
    return value


def _opt(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    return value if value and value.strip() else None


# A short key can be guessed and then every text hash brute-forced again.
MIN_HASH_KEY_LENGTH = 16


def _secret(env: Mapping[str, str], name: str, min_length: int) -> str | None:
    value = _opt(env, name)
    if value is not None and len(value) < min_length:
        raise ConfigError(f"{name}: must be at least {min_length} characters (the value is not shown)")
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    rate = _int(env, "RATE_LIMIT_PER_MINUTE", 0)
    settings = Settings(
        service_host=env.get("SERVICE_HOST", "0.0.0.0") or "0.0.0.0",
        service_port=_int(env, "SERVICE_PORT", 8000, 1),
        service_workers=_int(env, "SERVICE_WORKERS", 1, 1),
        log_level=_choice(env, "LOG_LEVEL", "info", ("debug", "info", "warning", "error", "critical")).upper(),
        log_config=env.get("LOG_CONFIG") or str(ROOT / "logging.yaml"),
        lists=_opt(env, "LISTS"),
        lists_refresh_seconds=_refresh_seconds(env, "LISTS_REFRESH_SECONDS"),
        lists_preload=_bool(env, "LISTS_PRELOAD", True),
        lists_max_drop=_number(env, "LISTS_MAX_DROP", 0.2, 0.0, 1.0, "a share between 0 and 1"),
        search_backend=_choice(env, "SEARCH_BACKEND", "embedded", ("embedded", "elasticsearch")),
        search_fallback=_choice(env, "SEARCH_FALLBACK", "embedded", ("embedded", "none")),
        es_url=_opt(env, "ES_URL"),
        es_username=_opt(env, "ES_USERNAME"),
        es_password=_opt(env, "ES_PASSWORD"),
        es_api_key=_opt(env, "ES_API_KEY"),
        es_verify_ssl=_bool(env, "ES_VERIFY_SSL", True),
        es_index=(env.get("ES_INDEX") or "ai-service-entities").strip(),
        es_timeout_ms=_int(env, "ES_TIMEOUT_MS", 50, 1),
        es_bulk_timeout_seconds=_int(env, "ES_BULK_TIMEOUT_SECONDS", 120, 1),
        es_keep_indices=_int(env, "ES_KEEP_INDICES", 2, 1),
        es_breaker_failures=_int(env, "ES_BREAKER_FAILURES", 3, 1),
        es_breaker_reset_seconds=_seconds(env, "ES_BREAKER_RESET_SECONDS", 5.0),
        admin_token=_opt(env, "ADMIN_TOKEN"),
        api_keys=_list(env, "API_KEYS"),
        cors_origins=_list(env, "CORS_ORIGINS"),
        max_input_length=_int(env, "MAX_INPUT_LENGTH", 10_000, 1),
        max_batch_size=_int(env, "MAX_BATCH_SIZE", 100, 1),
        batch_sharing=_bool(env, "BATCH_SHARING", True),
        max_body_bytes=_int(env, "MAX_BODY_BYTES", 0),
        cache_size=_int(env, "CACHE_SIZE", 100_000, 0),
        search_cache_size=_int(env, "SEARCH_CACHE_SIZE", 20_000, 0),
        connection_pool_size=_int(env, "CONNECTION_POOL_SIZE", 20, 1),
        prometheus_enabled=_bool(env, "PROMETHEUS_ENABLED", True),
        rate_limit_per_minute=rate or None,
        audit_log_path=_opt(env, "AUDIT_LOG_PATH"),
        audit_hash_key=_secret(env, "AUDIT_HASH_KEY", MIN_HASH_KEY_LENGTH),
        feature_vector_retrieval=_bool(env, "FEATURE_VECTOR_RETRIEVAL", True),
        feature_trace=_bool(env, "FEATURE_TRACE", True),
        cleared_pairs_path=_opt(env, "CLEARED_PAIRS_PATH"),
        long_text_threshold=_int(env, "LONG_TEXT_THRESHOLD", 1000, 100),
        request_body_timeout_seconds=_seconds(env, "REQUEST_BODY_TIMEOUT_SECONDS", 10.0),
        request_header_timeout_seconds=_seconds(env, "REQUEST_HEADER_TIMEOUT_SECONDS", 10.0),
        risk_high=_float(env, "RISK_HIGH", 0.85),
        risk_medium=_float(env, "RISK_MEDIUM", 0.70),
        risk_low=_float(env, "RISK_LOW", 0.50),
    )
    if not settings.risk_low <= settings.risk_medium <= settings.risk_high:
        raise ConfigError("RISK_LOW <= RISK_MEDIUM <= RISK_HIGH must hold")
    if settings.search_backend == "elasticsearch":
        check_elasticsearch(settings)
    if settings.audit_log_path is not None:
        check_audit_path(settings.audit_log_path)
    return settings


def check_audit_path(path: str) -> None:
    """Fail at start-up, not on the first screening, when the audit log cannot be written."""
    target = Path(path)
    if target.is_dir():
        raise ConfigError(f"AUDIT_LOG_PATH={path!r}: is a directory; expected a file path")
    parent = target.parent
    while not parent.exists() and parent != parent.parent:  # created on start; check the first existing one
        parent = parent.parent
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise ConfigError(f"AUDIT_LOG_PATH={path!r}: not writable by this user")


# Elasticsearch index names: lowercase, none of these characters, no leading -_+ (ES rules).
_ES_INDEX = re.compile(r"^[a-z0-9][a-z0-9._-]{0,200}$")


def check_elasticsearch(settings: Settings) -> None:
    if not settings.es_url:
        raise ConfigError("ES_URL is required for Elasticsearch (e.g. https://es.internal:9200)")
    for url in settings.es_url.split(","):
        if not url.strip().lower().startswith(("http://", "https://")):
            raise ConfigError(f"ES_URL={url.strip()!r}: expected http(s)://host:port[,…]")
    if settings.es_api_key and (settings.es_username or settings.es_password):
        raise ConfigError("ES_API_KEY and ES_USERNAME/ES_PASSWORD are exclusive: set one way to authenticate")
    if bool(settings.es_username) != bool(settings.es_password):
        raise ConfigError("ES_USERNAME and ES_PASSWORD go together")
    if not _ES_INDEX.match(settings.es_index):
        raise ConfigError(f"ES_INDEX={settings.es_index!r}: expected a lowercase Elasticsearch alias name")
