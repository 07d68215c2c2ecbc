"""The framework ceiling for the load benchmark: a minimal Flask app that renders a small Jinja template file with one
indexed query, served by the same gunicorn configuration as the platform.

The template is a file (templates/ceiling.html), compiled once and cached by Jinja as any real Flask page is; an
earlier ceiling used render_template_string, which compiles the template on every request and made the ceiling
slower than a real minimal page (and the platform's ratios look better than they were).

gunicorn 'bench.load.ceiling:create_app()' with LMS_DATABASE_URL set to the benchmark database.
"""

from __future__ import annotations

import os

from flask import Flask, render_template
from sqlalchemy import create_engine, text


def create_app() -> Flask:
    """The ceiling app: GET /ceiling/<id> looks one user up by primary key and renders it."""
    app = Flask(__name__)
    url = os.environ["LMS_DATABASE_URL"]
    engine = create_engine(url)
    query = text("SELECT id, full_name, email FROM users WHERE id = :id")

    @app.get("/ceiling/<int:user_id>")
    def ceiling(user_id: int):
        with engine.connect() as connection:
            user = connection.execute(query, {"id": user_id}).first()
        if user is None:
            return "not found", 404
        return render_template("ceiling.html", user=user)

    return app
