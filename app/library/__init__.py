from flask import Blueprint

bp = Blueprint("library", __name__, template_folder="templates")

from app.library import views  # noqa: E402, F401  (routes register on import)
