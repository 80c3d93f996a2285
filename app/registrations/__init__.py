from flask import Blueprint

bp = Blueprint("registrations", __name__, template_folder="templates")

from app.registrations import views  # noqa: E402, F401  (routes register on import)
