from flask import Blueprint

bp = Blueprint("topics", __name__, template_folder="templates")

from app.topics import views  # noqa: E402, F401  (routes register on import)
