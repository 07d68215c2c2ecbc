"""Configuration: defaults, then LMS_* environment variables, then instance/lms.toml, then overrides."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: The key used when nobody configured one. Production refuses to start with it.
DEV_SECRET_KEY = "dev-secret-key-change-me"  # noqa: S105 - a well-known placeholder, refused in production

LOCALES = ("kk", "ru", "en")

#: The public address outside production when LMS_BASE_URL is not set (what `make run` serves).
DEV_BASE_URL = "http://127.0.0.1:5000"

#: Loopback names: a base URL on one of them admits the others (the same machine, as tests and benchmarks use it).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")

#: The default ISSUER_NAME in each language, used while ISSUER_NAME is left at its default.
DEFAULT_ISSUER_NAMES = {"kk": "Жасанды интеллект құзыреттері академиясы",
                        "ru": "Академия компетенций в области искусственного интеллекта",
                        "en": "AI Competency Academy"}

#: Every setting the platform reads, with its default. Each can be set as LMS_<NAME> in the environment
#: (parsed by the default's type) or as NAME in instance/lms.toml.
DEFAULTS: dict[str, Any] = {
    "ENV": "development",  # development | production | testing
    "DEBUG": False,
    "SECRET_KEY": DEV_SECRET_KEY,
    "DATABASE_URL": "",  # empty: SQLite file instance/lms.sqlite3
    "REDIS_URL": "",  # empty: rate limits kept in process memory
    "DEFAULT_LOCALE": "ru",
    "TIMEZONE": "Asia/Almaty",
    "PROXY_COUNT": 0,  # number of trusted reverse proxies in front of the app (X-Forwarded-*)
    "SESSION_HOURS": 12,
    "PASSWORD_MIN_LENGTH": 10,
    # argon2id parameters for new hashes: "strong" (OWASP-recommended, about 0.1 s a hash) or "cheap" (test suites
    # only, refused in production). Hashes carry their parameters, so either kind verifies under either setting.
    "PASSWORD_HASH_COST": "strong",
    "RESET_TOKEN_MINUTES": 60,
    "LOGIN_RATE_LIMIT": "10 per minute",  # per client address
    "LOGIN_ACCOUNT_RATE_LIMIT": "20 per hour",  # per email address tried
    "PUBLIC_RATE_LIMIT": "30 per minute",  # password reset, registration
    "SELF_REGISTRATION": False,
    "REGISTRATION_DOMAINS": "",  # "gov.kz=MDAI, edu.kz=MOE": email domain -> agency code
    "MAIL_BACKEND": "console",  # console | smtp
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_FROM": "noreply@lms.local",
    "MAX_IMPORT_BYTES": 20 * 1024 * 1024,
    # Paths: flask_settings resolves each empty one to its default, so app.config always holds the real path.
    "COURSES_DIR": "",  # empty: courses/ at the project root
    # `lms courses sync` refuses to retire more than this share (0..1) of the live courses in one run (an empty or
    # wrong courses folder would retire them all) unless run with --allow-retire; 1: no limit.
    "SYNC_MAX_RETIRE_SHARE": 0.5,
    # The public address, scheme://host[:port][/path]. Every link that leaves the site (emails, QR codes, ids in
    # credentials, the status document, the OpenAPI servers entry) is built from it, never from the request's
    # Host header, and its host is the one the app answers to. Required in production (https); empty elsewhere:
    # http://127.0.0.1:5000.
    "BASE_URL": "",
    # Further host names the app answers to, comma-separated (e.g. the address a proxy's health check uses);
    # ".example.kz" admits every subdomain. Requests naming any other host are refused with 400.
    "TRUSTED_HOSTS": "",
    "ISSUER_NAME": "AI Competency Academy",  # printed on certificates and named in credentials (all languages)
    # The issuer's name in each language (certificate PDF, verification page, credential); empty: ISSUER_NAME if it
    # was changed, else the default name translated (DEFAULT_ISSUER_NAMES).
    "ISSUER_NAME_KK": "",
    "ISSUER_NAME_RU": "",
    "ISSUER_NAME_EN": "",
    "ISSUER_LOGO": "",  # optional PNG/SVG path for certificates
    "SIGNING_KEY_PATH": "",  # Ed25519 key for credentials; empty: instance/signing-key.jwk, created at first use
    "CERTIFICATE_CACHE_DIR": "",  # generated PDFs; empty: instance/certificates
    "RETIRED_SIGNING_KEYS": "",  # comma-separated JWK files of earlier keys, still published for verification
    # Background jobs (report exports). "sqlite" (default): a queue file in instance/ for one machine;
    # "redis://host:6379/1": shared by workers on several machines; "immediate": run in the request (tests).
    "TASK_QUEUE": "sqlite",
    "EXPORT_DIR": "",  # finished export files; empty: instance/exports (share it when workers run elsewhere)
    "EXPORT_HOURS": 24,  # how long an export file can be downloaded
    "NATIONAL_TARGET": 2000,  # people to train nationally (holding at least one valid certificate)
    # Dashboards that select agencies only read the worker's snapshot of the country's figures (refreshed every
    # 5 minutes) while it is at most this old; 0: always count now.
    "REPORT_SNAPSHOT_MINUTES": 10,
    # ... but only for scopes (the selected agencies, or the whole country) of at least this many enrolments, as
    # the snapshot counted them; smaller ones count fast and are counted when the page opens. 0: every scope.
    "REPORT_SNAPSHOT_MIN_ENROLMENTS": 50_000,
    "API_RATE_LIMIT": "120 per minute",  # per API token
    # AI assistance (lms/ai, README "AI assistance"). Providers tried in order; the extractive one (no model)
    # always ends the list. "openai" is any OpenAI-compatible chat endpoint, off until its URL and model are set.
    "AI_PROVIDERS": "extractive",
    "AI_ACTIONS": "tutor_answer,question_drafts,lesson_summary",  # the actions switched on
    "AI_DISABLED_AGENCIES": "",  # agency codes (comma-separated) whose people get no AI
    "AI_RATE_LIMIT_PER_HOUR": 30,  # AI requests per person per hour (0: no limit)
    "AI_RETENTION_DAYS": 30,  # prompts and outputs are purged from the AI log after this; the entries stay
    "AI_OPENAI_BASE_URL": "",  # e.g. http://127.0.0.1:8000/v1 (vLLM), http://127.0.0.1:11434/v1 (Ollama)
    "AI_OPENAI_MODEL": "",
    "AI_OPENAI_API_KEY": "",
    "AI_OPENAI_TIMEOUT": 20.0,  # seconds per request
    "AI_OPENAI_MAX_TOKENS": 600,
    # The public AI systems page (/ai/systems): what the owner (the deploying body) says of the openai system.
    "AI_OPENAI_SYSTEM_NAME": "",
    "AI_OPENAI_PROVIDER_NAME": "",
    "AI_OWNER": "",  # the owner of the AI systems of this deployment (the body that runs the platform)
    "AI_TUTOR_RISK_CLASS": "minimal",  # the owner's class for the built-in extractive tutor: minimal | medium | high
    "AI_OPENAI_RISK_CLASS": "",  # the owner's class for the openai system; empty: not yet classified
}

_HOST_NAME = re.compile(r"\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(RuntimeError):
    """The configuration is unsafe or malformed; the message says what to set."""


def _parse(name: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ConfigError(f"LMS_{name} must be true or false, not {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"LMS_{name} must be a whole number, not {raw!r}") from None
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"LMS_{name} must be a number, not {raw!r}") from None
    return raw


def load(instance_path: str | os.PathLike, overrides: dict[str, Any] | None = None,
         environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the merged settings: defaults, LMS_* environment, instance/lms.toml, then overrides."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    for name, default in DEFAULTS.items():
        if f"LMS_{name}" in environ:
            settings[name] = _parse(name, environ[f"LMS_{name}"], default)
    if "LMS_DEBUG" not in environ and environ.get("FLASK_DEBUG", "").lower() in _TRUE:
        settings["DEBUG"] = True  # `lms run --debug` sets FLASK_DEBUG
    toml_path = Path(instance_path) / "lms.toml"
    if toml_path.is_file():
        with toml_path.open("rb") as fh:
            try:
                from_file = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{toml_path}: {exc}") from None
        unknown = sorted(set(from_file) - set(DEFAULTS))
        if unknown:
            raise ConfigError(f"{toml_path}: unknown settings {', '.join(unknown)}")
        settings.update(from_file)
    settings.update(overrides or {})
    return settings


def flask_settings(settings: dict[str, Any], instance_path: str | os.PathLike) -> dict[str, Any]:
    """Translate platform settings into the keys Flask and its extensions read."""
    from datetime import timedelta

    production = settings["ENV"] == "production"
    database_url = settings["DATABASE_URL"] or "sqlite:///" + str(Path(instance_path) / "lms.sqlite3")
    out = dict(settings)
    out.update(resolved_paths(settings, instance_path))
    base_url = (settings["BASE_URL"] or ("" if production else DEV_BASE_URL)).rstrip("/")
    out.update(
        BASE_URL=base_url,
        # Flask refuses requests for any other Host (also X-Forwarded-Host behind LMS_PROXY_COUNT proxies).
        TRUSTED_HOSTS=trusted_hosts(base_url, settings["TRUSTED_HOSTS"]),
        SQLALCHEMY_DATABASE_URI=_normalise_database_url(database_url),
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(database_url),
        TESTING=settings["ENV"] == "testing" or settings.get("TESTING", False),
        SESSION_COOKIE_NAME="lms_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings["SESSION_HOURS"]),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=production,
        PREFERRED_URL_SCHEME="https" if production else "http",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        MAX_CONTENT_LENGTH=settings["MAX_IMPORT_BYTES"] + 64 * 1024,
        BABEL_DEFAULT_LOCALE=settings["DEFAULT_LOCALE"],
        BABEL_DEFAULT_TIMEZONE=settings["TIMEZONE"],
        RATELIMIT_STORAGE_URI=settings["REDIS_URL"] or "memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_STRATEGY="moving-window",
        RATELIMIT_KEY_PREFIX=settings.get("RATELIMIT_KEY_PREFIX", "lms"),
        # If Redis goes away, keep limiting per process rather than failing every sign-in.
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        SQLALCHEMY_TRACK_MODIFICATIONS=False,
    )
    return out


def resolved_paths(settings: dict[str, Any], instance_path: str | os.PathLike) -> dict[str, str]:
    """The folders and files the platform reads and writes, each empty setting replaced by its default."""
    from lms import PROJECT_ROOT

    instance = Path(instance_path)
    return {
        "COURSES_DIR": str(settings["COURSES_DIR"] or PROJECT_ROOT / "courses"),
        "EXPORT_DIR": str(settings["EXPORT_DIR"] or instance / "exports"),
        "SIGNING_KEY_PATH": str(settings["SIGNING_KEY_PATH"] or instance / "signing-key.jwk"),
        "CERTIFICATE_CACHE_DIR": str(settings["CERTIFICATE_CACHE_DIR"] or instance / "certificates"),
    }


def app_settings(instance_path: str | os.PathLike, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything app.config holds, loaded, translated and validated (create_app, and commands that need no app)."""
    out = flask_settings(load(instance_path, overrides), instance_path)
    validate(out)
    return out


def _normalise_database_url(url: str) -> str:
    # Operators paste postgres:// URLs from their hosting panels; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # check_same_thread off: the dev server and tests hand connections between threads via the pool.
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    # JIT off for this application's sessions: report queries over large tables have planner costs above
    # jit_above_cost, and compiling them took longer than running them (0.57 s of a 0.70 s overdue list at 150,000
    # learners); the queries are short and set-based, with nothing for JIT to win.
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10, "connect_args": {"options": "-c jit=off"}}


def validate(config: dict[str, Any]) -> None:
    """Refuse settings that are unsafe for the configured environment; raise ConfigError saying what to set."""
    env = config["ENV"]
    if env not in ("development", "production", "testing"):
        raise ConfigError(f"LMS_ENV must be development, production or testing, not {env!r}")
    if config["DEFAULT_LOCALE"] not in LOCALES:
        raise ConfigError(f"LMS_DEFAULT_LOCALE must be one of {', '.join(LOCALES)}")
    if config["MAIL_BACKEND"] not in ("console", "smtp"):
        raise ConfigError("LMS_MAIL_BACKEND must be console or smtp")
    if config["PASSWORD_HASH_COST"] not in ("strong", "cheap"):
        raise ConfigError(f"LMS_PASSWORD_HASH_COST must be strong or cheap, not {config['PASSWORD_HASH_COST']!r}")
    registration_domains(config)  # raises on a malformed mapping
    share = config["SYNC_MAX_RETIRE_SHARE"]
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        raise ConfigError(f"LMS_SYNC_MAX_RETIRE_SHARE must be a number from 0 to 1 (e.g. 0.5), not {share!r}")
    minimum = config["REPORT_SNAPSHOT_MIN_ENROLMENTS"]
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
        raise ConfigError(f"LMS_REPORT_SNAPSHOT_MIN_ENROLMENTS must be a whole number of 0 or more, not {minimum!r}")
    for name in config["TRUSTED_HOSTS"]:
        if not _HOST_NAME.fullmatch(name):
            raise ConfigError(f"LMS_TRUSTED_HOSTS: {name!r} is not a host name (use host or .domain, comma-separated)")
    base_url_problem = _base_url_problem(config["BASE_URL"], production=env == "production")
    if env != "production":
        return
    problems = [base_url_problem] if base_url_problem else []
    if config["SECRET_KEY"] == DEV_SECRET_KEY or len(config["SECRET_KEY"]) < 32:
        problems.append(
            "set LMS_SECRET_KEY to a random value of at least 32 characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    if config["DEBUG"]:
        problems.append("set LMS_DEBUG=false: the debugger must never run in production")
    if config["PASSWORD_HASH_COST"] != "strong":  # noqa: S105 - a cost level, not a password
        problems.append("set LMS_PASSWORD_HASH_COST=strong: cheap password hashes are for test suites only")
    if config["MAIL_BACKEND"] != "smtp":
        problems.append("set LMS_MAIL_BACKEND=smtp and LMS_MAIL_SERVER: production mail must be delivered")
    if problems:
        raise ConfigError("Refusing to start with LMS_ENV=production: " + "; ".join(problems))


def trusted_hosts(base_url: str, extra: str | list[str] | tuple[str, ...]) -> list[str]:
    """The host names requests may name: BASE_URL's host (with the other loopback name) plus `extra`."""
    items = extra.split(",") if isinstance(extra, str) else extra
    names = [part.strip().lower().partition(":")[0] for part in items]  # a port is not part of the check
    host = urlsplit(base_url).hostname if base_url else None
    if host:
        names.insert(0, host)
        if host in LOOPBACK_HOSTS:
            names[1:1] = [name for name in LOOPBACK_HOSTS if name != host]
    return list(dict.fromkeys(name for name in names if name))


def _base_url_problem(base_url: str, *, production: bool) -> str | None:
    """What is wrong with BASE_URL for this environment (None: nothing); raises ConfigError when it is malformed."""
    if not base_url:
        return ("set LMS_BASE_URL to the public address of the platform (e.g. https://lms.example.kz): links in "
                "emails and on certificates are built from it, and requests for other hosts are refused")
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        parts = None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.username
            or parts.password or parts.query or parts.fragment):
        raise ConfigError(f"LMS_BASE_URL must look like https://host[:port][/path], not {base_url!r}")
    if production and parts.scheme != "https":
        return "set LMS_BASE_URL to an https:// address: production cookies are sent over HTTPS only"
    return None


def issuer_names(config: dict[str, Any]) -> dict[str, str]:
    """The issuer's name per language: ISSUER_NAME_<LANG>, else ISSUER_NAME when it was set, else the default name
    in that language."""
    common = config["ISSUER_NAME"].strip()
    names = {}
    for locale in LOCALES:
        own = config.get(f"ISSUER_NAME_{locale.upper()}", "").strip()
        if own:
            names[locale] = own
        elif common and common != DEFAULTS["ISSUER_NAME"]:
            names[locale] = common
        else:
            names[locale] = DEFAULT_ISSUER_NAMES[locale]
    return names


def registration_domains(config: dict[str, Any]) -> dict[str, str]:
    """Parse REGISTRATION_DOMAINS ("gov.kz=MDAI, edu.kz=MOE") into {domain: agency code}."""
    mapping: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in config["REGISTRATION_DOMAINS"].split(","))):
        domain, sep, code = item.partition("=")
        if not sep or not domain.strip() or not code.strip():
            raise ConfigError(f"LMS_REGISTRATION_DOMAINS: expected domain=AGENCYCODE, got {item!r}")
        mapping[domain.strip().lower()] = code.strip()
    return mapping
