"""The web console: `GET /` is a Feishu-like chat window (sandbox mode only), and
`/console/<file>` serves its static files from sandbox/console/.

Plain files, no build step: what is in the repository is what the browser runs.
"""
from __future__ import annotations

import os

from flask import Blueprint, abort, send_from_directory

CONSOLE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "console")

# Explicit types: the platform's mimetypes table can map .js to text/plain (some
# Windows registries, minimal containers), which browsers refuse for scripts.
MIME = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}

bp = Blueprint("console", __name__)


def _send(filename: str):
    ext = os.path.splitext(filename)[1].lower()
    if ext not in MIME:
        abort(404)
    # max_age=0 + no-cache: the browser revalidates (ETag/Last-Modified) every load,
    # so an edited file is picked up on reload without stale-cache surprises.
    resp = send_from_directory(CONSOLE_DIR, filename, mimetype=MIME[ext], max_age=0)
    resp.headers["Cache-Control"] = "no-cache"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.get("/")
def index():
    return _send("index.html")


@bp.get("/console/<path:filename>")
def static_file(filename: str):
    # send_from_directory refuses paths escaping CONSOLE_DIR (404).
    return _send(filename)
