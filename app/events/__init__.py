from flask import Blueprint

bp = Blueprint("events", __name__, template_folder="templates")

from app.events import views  # noqa: E402, F401  (routes register on import)
