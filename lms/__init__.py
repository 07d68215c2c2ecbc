"""AI-competency learning platform: create_app() builds the Flask application."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask

#: The project root (static/ and courses/ live here, beside the lms package).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: The instance folder (instance/lms.toml, the SQLite database, keys, generated files); LMS_INSTANCE_PATH names
#: another (the tests give theirs an empty one, so that a developer's lms.toml never reaches them).
INSTANCE_PATH = Path(os.environ.get("LMS_INSTANCE_PATH") or PROJECT_ROOT / "instance")


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: config -> extensions -> blueprints -> CLI -> error handlers. Nothing runs at import."""
    from lms import config as config_module

    app = Flask(
        __name__,
        instance_path=str(INSTANCE_PATH),
        instance_relative_config=True,
        static_folder=str(PROJECT_ROOT / "static"),
    )
    from lms.site.jsonsafe import HtmlSafeJSONProvider

    app.json = HtmlSafeJSONProvider(app)  # API errors quote what was sent: never readable as markup
    app.config.from_mapping(config_module.app_settings(app.instance_path, overrides))
    _configure_logging(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)

    _init_extensions(app)
    _import_models()
    _init_tasks(app)
    _register_blueprints(app)

    from lms.audit.services import record_access_denied
    from lms.cli import register_commands
    from lms.errors import register_error_handlers
    from lms.links import public_url
    from lms.site.headers import install_security_headers

    if app.debug:
        from lms.courses.autosync import install_autosync
        from lms.learning.services import sync_content

        install_autosync(app, sync=sync_content)
    register_commands(app)
    register_error_handlers(app, record_refusal=record_access_denied)
    install_security_headers(app)
    app.jinja_env.globals["public_url"] = public_url  # for links in emails
    return app


def create_content_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the SCORM content origin's app (lms.scorm.content_views): package files and their launch frame only, on
    the SCORM_CONTENT_ORIGIN host. It reads and sets no cookie, has no sign-in, and never opens the database.

    `make run` serves it on the next port; production runs it as its own service (gunicorn 'lms:create_content_app()')
    behind the content host name.
    """
    from urllib.parse import urlsplit

    from flask.sessions import SessionInterface

    from lms import config as config_module

    class _NoSession(SessionInterface):
        # Cookies of the site's domain are never read here, and no session cookie is ever set.
        def open_session(self, app, request):
            return None

        def save_session(self, app, session, response):
            return None

    app = Flask(__name__, instance_path=str(INSTANCE_PATH), static_folder=None)
    settings = config_module.app_settings(app.instance_path, overrides)
    app.config.from_mapping(settings)
    origin = urlsplit(settings["SCORM_CONTENT_ORIGIN"]) if settings["SCORM_CONTENT_ORIGIN"] else None
    app.config["TRUSTED_HOSTS"] = [origin.hostname] if origin is not None else []
    app.config["SERVER_NAME"] = None
    app.session_interface = _NoSession()
    _configure_logging(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)
    from lms.scorm import content_bp
    from lms.scorm import content_views as _content_views  # noqa: F401 - registers routes

    app.register_blueprint(content_bp)
    return app


def _configure_logging(app: Flask) -> None:
    logger = logging.getLogger("lms")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if app.debug else logging.INFO)


def _init_extensions(app: Flask) -> None:
    from flask import request

    from lms.accounts.passwords import init_passwords
    from lms.accounts.session import init_login
    from lms.db import WRITES_ATTR, begin_write, install_sqlite_pragmas
    from lms.extensions import babel, csrf, db, limiter, migrate
    from lms.i18n import get_locale, install_date_filters, install_template_gettext

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            install_sqlite_pragmas(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=get_locale, default_translation_directories="translations")
    install_date_filters(app)
    install_template_gettext(app)
    init_login(app)
    init_passwords(app)

    @app.before_request
    def _begin_write_transactions():
        # Requests that change things take SQLite's write lock at BEGIN, so concurrent workers queue on
        # the busy timeout instead of failing with "database is locked" when a read turns into a write.
        # GET views that write say so with lms.db.writes.
        view = app.view_functions.get(request.endpoint)
        if request.method not in ("GET", "HEAD", "OPTIONS") or getattr(view, WRITES_ATTR, False):
            begin_write(db.session)

    @app.context_processor
    def _template_globals():
        from flask_babel import get_locale as babel_locale

        from lms.accounts import policy
        from lms.accounts.models import ROLE_NAMES
        from lms.i18n import LANGUAGE_NAMES

        return {"policy": policy, "language_names": LANGUAGE_NAMES, "role_names": ROLE_NAMES,
                "current_locale": str(babel_locale())}


def _import_models() -> None:
    # Every model module, so that migrations and create_all see all tables.
    from lms import content_version
    from lms.accounts import models as _accounts  # noqa: F401
    from lms.agencies import models as _agencies  # noqa: F401
    from lms.ai import models as _ai  # noqa: F401
    from lms.api import models as _api  # noqa: F401
    from lms.approvals import models as _approvals  # noqa: F401
    from lms.assignments import models as _assignments  # noqa: F401
    from lms.audit import models as _audit  # noqa: F401
    from lms.calendar import models as _calendar  # noqa: F401
    from lms.certificates import models as _certificates  # noqa: F401
    from lms.competencies import models as _competencies  # noqa: F401
    from lms.courses import framework_models as _framework  # noqa: F401
    from lms.courses import models as _courses  # noqa: F401
    from lms.evaluations import models as _evaluations  # noqa: F401
    from lms.exports import models as _exports  # noqa: F401
    from lms.learning import models as _learning  # noqa: F401
    from lms.mail import models as _mail  # noqa: F401
    from lms.notifications import models as _notifications  # noqa: F401
    from lms.pretests import models as _pretests  # noqa: F401
    from lms.quizzes import models as _quizzes  # noqa: F401
    from lms.reports import models as _reports  # noqa: F401
    from lms.scorm import models as _scorm  # noqa: F401
    from lms.xapi import models as _xapi  # noqa: F401

    content_version.install()


def _init_tasks(app: Flask) -> None:
    # Every domain's task module registers its tasks (lms.tasks), then the queue is built with all of them, so
    # that the web app (which enqueues) and the worker (which runs) know the same tasks.
    from lms import tasks
    from lms.accounts import tasks as _accounts_tasks  # noqa: F401
    from lms.ai import tasks as _ai_tasks  # noqa: F401
    from lms.approvals import tasks as _approvals_tasks  # noqa: F401
    from lms.certificates import tasks as _certificates_tasks  # noqa: F401
    from lms.exports import tasks as _exports_tasks  # noqa: F401
    from lms.mail import tasks as _mail_tasks  # noqa: F401
    from lms.notifications import delivery as _notifications_delivery  # noqa: F401 - subscribes to lms.events.NOTICE
    from lms.notifications import tasks as _notifications_tasks  # noqa: F401
    from lms.reports import tasks as _reports_tasks  # noqa: F401
    from lms.xapi import outbox as _xapi_outbox  # noqa: F401 - subscribes to lms.events.ACTIVITIES
    from lms.xapi import tasks as _xapi_tasks  # noqa: F401

    tasks.init_tasks(app)


def _register_blueprints(app: Flask) -> None:
    from lms.accounts import bp as accounts_bp
    from lms.accounts import saml_views as _saml_views  # noqa: F401 - registers routes
    from lms.accounts import views as _accounts_views  # noqa: F401 - registers routes
    from lms.admin import agency_views as _admin_agencies  # noqa: F401
    from lms.admin import bp as admin_bp
    from lms.admin import import_views as _admin_imports  # noqa: F401
    from lms.admin import user_views as _admin_users  # noqa: F401
    from lms.admin import views as _admin_views  # noqa: F401
    from lms.agencies import bp as agencies_bp
    from lms.agencies import views as _agencies_views  # noqa: F401
    from lms.ai import bp as ai_bp
    from lms.ai import views as _ai_views  # noqa: F401
    from lms.api import bp as api_bp
    from lms.api import token_views as _token_views  # noqa: F401
    from lms.api import tokens_bp
    from lms.api import views as _api_views  # noqa: F401
    from lms.approvals import bp as approvals_bp
    from lms.approvals import views as _approvals_views  # noqa: F401
    from lms.assignments import bp as assignments_bp
    from lms.assignments import views as _assignments_views  # noqa: F401
    from lms.calendar import bp as calendar_bp
    from lms.calendar import views as _calendar_views  # noqa: F401
    from lms.certificates import bp as certificates_bp
    from lms.certificates import views as _certificates_views  # noqa: F401
    from lms.competencies import bp as competencies_bp
    from lms.competencies import views as _competencies_views  # noqa: F401
    from lms.courses import bp as courses_bp
    from lms.courses import views as _courses_views  # noqa: F401
    from lms.evaluations import bp as evaluations_bp
    from lms.evaluations import views as _evaluations_views  # noqa: F401
    from lms.exports import bp as exports_bp
    from lms.exports import views as _exports_views  # noqa: F401
    from lms.learning import bp as learning_bp
    from lms.learning import views as _learning_views  # noqa: F401
    from lms.notifications import bp as notifications_bp
    from lms.notifications import views as _notifications_views  # noqa: F401
    from lms.pretests import bp as pretests_bp
    from lms.pretests import views as _pretests_views  # noqa: F401
    from lms.programmes import bp as programmes_bp
    from lms.programmes import views as _programmes_views  # noqa: F401
    from lms.quizzes import bp as quizzes_bp
    from lms.quizzes import views as _quizzes_views  # noqa: F401
    from lms.reports import bp as reports_bp
    from lms.reports import gain_views as _gain_views  # noqa: F401
    from lms.reports import views as _reports_views  # noqa: F401
    from lms.scorm import bp as scorm_bp
    from lms.scorm import views as _scorm_views  # noqa: F401
    from lms.site import bp as site_bp
    from lms.site import views as _site_views  # noqa: F401
    from lms.team import bp as team_bp
    from lms.team import views as _team_views  # noqa: F401

    app.register_blueprint(site_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(agencies_bp)
    app.register_blueprint(courses_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(assignments_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(approvals_bp)
    app.register_blueprint(quizzes_bp)
    app.register_blueprint(pretests_bp)
    app.register_blueprint(programmes_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(competencies_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(tokens_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(ai_bp)
    app.register_blueprint(team_bp)
    app.register_blueprint(scorm_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(evaluations_bp)
