"""The core blueprint: its views add their routes to it; app.create_app registers it."""

from flask import Blueprint

bp = Blueprint("core", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/core")
