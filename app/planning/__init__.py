from flask import Blueprint

bp = Blueprint("planning", __name__, template_folder="templates")

from app.planning import views  # noqa: E402, F401  (routes register on import)
