"""The framework ceiling for the load benchmark: a minimal Flask app that renders a small Jinja template with one
indexed query, served by the same gunicorn configuration as the platform.

gunicorn 'bench.load.ceiling:create_app()' with LMS_DATABASE_URL set to the benchmark database.
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ user.full_name }}</title></head>
<body><main><h1>{{ user.full_name }}</h1><p>{{ user.email }}</p></main></body></html>"""


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
        return render_template_string(PAGE, user=user)

    return app
