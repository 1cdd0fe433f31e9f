"""Configuration: defaults, then ``EMULATION_*`` environment variables, then overrides.

Rules:
- every key of :data:`DEFAULTS` may be set from the environment as ``EMULATION_<KEY>``;
  the value is coerced to the default's type (bool, int, float, str);
- ``DATABASE_URL`` is also read without the prefix, as hosting platforms set it;
- in production (``ENV = "production"``) a missing or short ``SECRET_KEY`` is fatal;
  in development one is generated once into ``instance/secret_key``.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_SECRET_KEY_LENGTH = 32

DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "SECRET_KEY": "",
    "INSTANCE_PATH": str(PROJECT_ROOT / "instance"),
    "DATABASE_URL": "",            # default: sqlite:///<instance>/emulation.db
    "HUEY_URL": "",                # default: <instance>/huey.db (SQLite); redis://… for several machines
    "HUEY_IMMEDIATE": False,       # run tasks in-process (tests)
    "UPLOAD_DIR": "",              # default: <instance>/evidence
    "CERTIFICATE_DIR": "",         # default: <instance>/certificates
    "CERTIFICATE_CHUNK": 50,       # certificates per rendered PDF file (one page each)
    "CERTIFICATE_LEASE_SECONDS": 300,       # a claimed chunk's lease: another worker takes it after
    "CERTIFICATE_TIME_LIMIT_SECONDS": 120,  # one chunk's rendering, in the render process
    "CERTIFICATE_MEMORY_MB": 2048,          # the render process's address space (RLIMIT_AS)
    "CERTIFICATE_TASKS": 2,
    "PUBLIC_URL": "http://127.0.0.1:5000",  # the address printed in QR codes (verification links)        # tasks queued per batch, so that several workers share it
    "DB_POOL_SIZE": 16,
    "SQLITE_BUSY_TIMEOUT_MS": 15000,
    "TIMEZONE": "Asia/Ho_Chi_Minh",
    "BABEL_DEFAULT_LOCALE": "vi",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
    "LANGUAGES": "vi,en",
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_WINDOW_SECONDS": 900,
    "SESSION_IDLE_MINUTES": 480,
    "PASSWORD_MIN_LENGTH": 10,
    "ARGON2_TIME_COST": 3,         # argon2-cffi defaults (RFC 9106 low-memory profile)
    "ARGON2_MEMORY_KIB": 65536,
    "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
    "WTF_CSRF_ENABLED": True,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,  # forced on in production
    "SESSION_COOKIE_NAME": "emulation_session",
    "TESTING": False,
}


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to set."""


def _coerce(default: Any, raw: str) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Values of ``EMULATION_*`` variables for the known keys, coerced."""
    values: dict[str, Any] = {}
    if environ.get("DATABASE_URL"):
        values["DATABASE_URL"] = environ["DATABASE_URL"]
    for key, default in DEFAULTS.items():
        raw = environ.get(f"EMULATION_{key}")
        if raw is not None:
            values[key] = _coerce(default, raw)
    return values


def build_config(overrides: Mapping[str, Any] | None = None,
                 environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Defaults ← environment ← overrides, then derived paths and the secret key."""
    config = dict(DEFAULTS)
    config.update(from_environment(os.environ if environ is None else environ))
    config.update(overrides or {})
    instance = Path(config["INSTANCE_PATH"])
    config.setdefault("DATABASE_URL", "")
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{instance / 'emulation.db'}"
    config["HUEY_URL"] = config["HUEY_URL"] or str(instance / "huey.db")
    config["UPLOAD_DIR"] = config["UPLOAD_DIR"] or str(instance / "evidence")
    config["CERTIFICATE_DIR"] = config["CERTIFICATE_DIR"] or str(instance / "certificates")
    if config["ENV"] == "production":
        config["SESSION_COOKIE_SECURE"] = True
    config["SECRET_KEY"] = _secret_key(config, instance)
    return config


def _secret_key(config: Mapping[str, Any], instance: Path) -> str:
    key = config.get("SECRET_KEY") or ""
    if len(key) >= MIN_SECRET_KEY_LENGTH:
        return key
    if config["ENV"] == "production":
        raise ConfigError(
            "SECRET_KEY thiếu hoặc quá ngắn: đặt EMULATION_SECRET_KEY "
            f"(ít nhất {MIN_SECRET_KEY_LENGTH} ký tự ngẫu nhiên) trước khi chạy ở chế độ production.")
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
