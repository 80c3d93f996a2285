from flask import Blueprint

bp = Blueprint("bilaterals", __name__, template_folder="templates")

from app.bilaterals import views  # noqa: E402, F401  (routes register on import)
