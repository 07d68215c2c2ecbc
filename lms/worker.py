"""The task queue's entry point for workers: `huey_consumer lms.worker.huey` (configured like the web app)."""

from lms import create_app

app = create_app()
huey = app.extensions["huey"]
