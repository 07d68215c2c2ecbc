"""Every setting the platform reads, with its default, and the constants those defaults are made of."""

from __future__ import annotations

from typing import Any

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
    # Days a learner's request to enrol in a course that needs approval waits for a decision before it expires.
    "APPROVAL_REQUEST_DAYS": 14,
    # Course evaluations (lms/evaluations): a group (course, agency, period of comments) with fewer respondents than
    # this shows no figures, so that nobody's answers can be told apart.
    "EVALUATION_MIN_RESPONDENTS": 5,
    "NATIONAL_TARGET": 2000,  # people to train nationally (holding at least one valid certificate)
    # Dashboards that select agencies only read the worker's snapshot of the country's figures (refreshed every
    # 5 minutes) while it is at most this old; 0: always count now.
    "REPORT_SNAPSHOT_MINUTES": 10,
    # ... but only for scopes (the selected agencies, or the whole country) of at least this many enrolments, as
    # the snapshot counted them; smaller ones count fast and are counted when the page opens. 0: every scope.
    "REPORT_SNAPSHOT_MIN_ENROLMENTS": 50_000,
    "API_RATE_LIMIT": "120 per minute",  # per API token
    # Notifications (lms/notifications, README "Notifications"): read ones are deleted after this many days by the
    # worker (unread ones stay).
    "NOTIFICATION_RETENTION_DAYS": 90,
    # xAPI statements of learning events, kept in an outbox (lms.xapi) and sent by the task worker to a Learning
    # Record Store. Off: nothing is recorded for the LRS (`lms xapi replay --since` builds what was missed).
    "XAPI_ENABLED": False,
    "XAPI_ENDPOINT": "",  # the LRS's xAPI base URL; statements go to <endpoint>/statements
    "XAPI_KEY": "",  # HTTP basic auth: the LRS client's key (user name) and secret
    "XAPI_SECRET": "",
    "XAPI_ACTOR": "account",  # account: an opaque id under BASE_URL; mbox: the learner's email (mailto:)
    "XAPI_BATCH_SIZE": 50,  # statements per POST
    "XAPI_TIMEOUT_SECONDS": 10,
    "XAPI_RETRY_SECONDS": 60,  # the first wait after a failed delivery; doubled each time...
    "XAPI_RETRY_MAX_SECONDS": 3600,  # ... up to this
    # Sign-in with a password. false: only the administrators named in BREAK_GLASS_ADMINS may still sign in (and
    # reset) with one, so that the platform stays reachable when the identity provider is down; everyone else signs
    # in through a provider.
    "PASSWORD_SIGN_IN": True,
    "BREAK_GLASS_ADMINS": "",  # comma-separated e-mail addresses of admin accounts
    "SSO_RATE_LIMIT": "30 per minute",  # per client address, on the provider sign-in start and callback endpoints
    # Calendar feeds (/calendar/<secret>.ics, no sign-in): fetches per feed address, and unknown addresses tried per
    # client address. Not all fetches per client address: calendar services fetch everyone's feeds from a few hosts.
    "CALENDAR_RATE_LIMIT": "30 per minute",
    # Identity providers, as [oidc.<key>] and [saml.<key>] tables in instance/lms.toml (keys unique across both;
    # README "Single sign-on"); in the environment, LMS_OIDC_PROVIDERS / LMS_SAML_PROVIDERS hold the same as JSON.
    "OIDC_PROVIDERS": {},
    "SAML_PROVIDERS": {},
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
    # SCORM lessons (lms/scorm, README "SCORM packages"). Package content is the author's JavaScript: it is served
    # from this separate origin (scheme://host[:port], its own host name in production, never the site's), which
    # `create_content_app()` answers. Empty: in development, BASE_URL's scheme with the other loopback name and the
    # next port (http://127.0.0.1:5000 -> http://localhost:5001); in production, SCORM lessons cannot be opened.
    "SCORM_CONTENT_ORIGIN": "",
    "SCORM_DIR": "",  # unpacked packages, one folder per content hash; empty: instance/scorm (share it across machines)
    "SCORM_LAUNCH_MINUTES": 10,  # how long a launch link from a lesson page can be opened
}
