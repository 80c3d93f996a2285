from flask import Blueprint

bp = Blueprint("core", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/core")

from app.core import views  # noqa: E402, F401  (routes register on import)
