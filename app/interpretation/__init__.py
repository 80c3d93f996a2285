from flask import Blueprint

bp = Blueprint("interpretation", __name__, template_folder="templates")

from app.interpretation import views  # noqa: E402, F401  (routes register on import)
