"""Configuration: defaults, then LMS_* environment variables, then instance/lms.toml, then overrides."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lms.defaults import (
    DEFAULT_ISSUER_NAMES,
    DEFAULTS,
    DEV_BASE_URL,
    DEV_SECRET_KEY,
    LOCALES,
    LOOPBACK_HOSTS,
)
from lms.identity_providers import ProviderSettingsError, oidc_providers
from lms.saml_config import SamlConfigError, saml_providers

#: The instance/lms.toml tables that hold identity providers, and the setting each fills.
PROVIDER_TABLES = {"oidc": "OIDC_PROVIDERS", "saml": "SAML_PROVIDERS"}


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
    if isinstance(default, dict):
        try:
            value = json.loads(raw or "{}")
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise ConfigError(f"LMS_{name} must be a JSON object, not {raw!r}")
        return value
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
        for table, name in PROVIDER_TABLES.items():
            if table in from_file:
                from_file[name] = from_file.pop(table)
        # Tables, not flat settings: [directory] (directory sync, see parse_directory).
        if "directory" in from_file:
            settings["DIRECTORY"] = from_file.pop("directory")
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
    from lms.config_directory import DirectorySettingsError, parse_directory

    try:
        out["DIRECTORY"] = parse_directory(settings.get("DIRECTORY"))
    except DirectorySettingsError as exc:
        raise ConfigError(str(exc)) from None
    base_url = (settings["BASE_URL"] or ("" if production else DEV_BASE_URL)).rstrip("/")
    out.update(
        BASE_URL=base_url,
        # Flask refuses requests for any other Host (also X-Forwarded-Host behind LMS_PROXY_COUNT proxies).
        TRUSTED_HOSTS=trusted_hosts(base_url, settings["TRUSTED_HOSTS"]),
        SCORM_CONTENT_ORIGIN=content_origin(settings["SCORM_CONTENT_ORIGIN"], base_url, production=production),
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
        "SCORM_DIR": str(settings["SCORM_DIR"] or instance / "scorm"),
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
    try:
        oidc_providers(config)
        saml_providers(config)
    except (ProviderSettingsError, SamlConfigError) as exc:
        raise ConfigError(str(exc)) from None
    share = config["SYNC_MAX_RETIRE_SHARE"]
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        raise ConfigError(f"LMS_SYNC_MAX_RETIRE_SHARE must be a number from 0 to 1 (e.g. 0.5), not {share!r}")
    minimum = config["REPORT_SNAPSHOT_MIN_ENROLMENTS"]
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
        raise ConfigError(f"LMS_REPORT_SNAPSHOT_MIN_ENROLMENTS must be a whole number of 0 or more, not {minimum!r}")
    days = config["APPROVAL_REQUEST_DAYS"]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise ConfigError(f"LMS_APPROVAL_REQUEST_DAYS must be a whole number of days from 1 to 365, not {days!r}")
    minimum = config["EVALUATION_MIN_RESPONDENTS"]
    if isinstance(minimum, bool) or not isinstance(minimum, int) or not 1 <= minimum <= 1000:
        raise ConfigError(f"LMS_EVALUATION_MIN_RESPONDENTS must be a whole number from 1 to 1000, not {minimum!r}")
    days = config["NOTIFICATION_RETENTION_DAYS"]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
        raise ConfigError(f"LMS_NOTIFICATION_RETENTION_DAYS must be a whole number from 1 to 3650, not {days!r}")
    _validate_xapi(config)
    from limits import parse_many  # Flask-Limiter's parser, imported only when an app's settings are checked

    try:
        parse_many(config["CALENDAR_RATE_LIMIT"])
    except ValueError:
        raise ConfigError("LMS_CALENDAR_RATE_LIMIT must be a rate limit such as '30 per minute', not "
                          f"{config['CALENDAR_RATE_LIMIT']!r}") from None
    for name in config["TRUSTED_HOSTS"]:
        if not _HOST_NAME.fullmatch(name):
            raise ConfigError(f"LMS_TRUSTED_HOSTS: {name!r} is not a host name (use host or .domain, comma-separated)")
    base_url_problem = _base_url_problem(config["BASE_URL"], production=env == "production")
    _validate_scorm(config)
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


def _validate_xapi(config: dict[str, Any]) -> None:
    if config["XAPI_ACTOR"] not in ("account", "mbox"):
        raise ConfigError(f"LMS_XAPI_ACTOR must be account or mbox, not {config['XAPI_ACTOR']!r}")
    for name, low, high in (("XAPI_BATCH_SIZE", 1, 1000), ("XAPI_TIMEOUT_SECONDS", 1, 600),
                            ("XAPI_RETRY_SECONDS", 1, 86400), ("XAPI_RETRY_MAX_SECONDS", 1, 7 * 86400)):
        value = config[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"LMS_{name} must be a whole number from {low} to {high}, not {value!r}")
    if not config["XAPI_ENABLED"]:
        return
    parts = urlsplit(config["XAPI_ENDPOINT"])
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError("LMS_XAPI_ENABLED needs LMS_XAPI_ENDPOINT, the LRS's xAPI address "
                          "(e.g. https://lrs.example.kz/xAPI/)")
    if config["ENV"] == "production" and parts.scheme != "https":
        raise ConfigError("LMS_XAPI_ENDPOINT must be https in production: the LRS receives learning records")


def origin_of(url: str) -> str:
    """The origin of `url` as browsers write it (scheme://host[:port], no default port), e.g. for postMessage checks;
    `url` unchanged when it cannot be parsed (validate() reports it)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return url
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port and port != default else "")


def content_origin(setting: str, base_url: str, *, production: bool) -> str:
    """The SCORM content origin: the setting as an origin (origin_of), or (outside production) BASE_URL's scheme with
    the other loopback name (or the same host) and the next port. "" when there is none."""
    if setting or production or not base_url:
        setting = setting.rstrip("/")
        return origin_of(setting) if setting and not urlsplit(setting).path else setting
    try:
        parts = urlsplit(base_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return ""
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        return ""  # a malformed BASE_URL is reported as such by validate()
    other = next((name for name in LOOPBACK_HOSTS if name != host), host) if host in LOOPBACK_HOSTS else host
    return f"{parts.scheme}://{other}:{port + 1}"


def _validate_scorm(config: dict[str, Any]) -> None:
    minutes = config["SCORM_LAUNCH_MINUTES"]
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 24 * 60:
        raise ConfigError(f"LMS_SCORM_LAUNCH_MINUTES must be a whole number from 1 to 1440, not {minutes!r}")
    origin = config["SCORM_CONTENT_ORIGIN"]
    if not origin:
        return
    try:
        parts = urlsplit(origin)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        parts = None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query
            or parts.fragment or parts.username or parts.password):
        raise ConfigError(f"LMS_SCORM_CONTENT_ORIGIN must look like https://host[:port], not {origin!r}")
    site = urlsplit(config["BASE_URL"]) if config["BASE_URL"] else None
    if site is not None and (site.scheme, site.netloc) == (parts.scheme, parts.netloc):
        raise ConfigError("LMS_SCORM_CONTENT_ORIGIN must differ from LMS_BASE_URL: package scripts may never run in "
                          "the site's origin")
    if config["ENV"] == "production" and (parts.scheme != "https" or (site and site.hostname == parts.hostname)):
        raise ConfigError("LMS_SCORM_CONTENT_ORIGIN must be https in production, on a host name of its own "
                          "(e.g. https://lms-content.example.kz)")


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

