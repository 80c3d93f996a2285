"""The reports blueprint: its views add their routes to it; app.create_app registers it."""

from flask import Blueprint

bp = Blueprint("reports", __name__, template_folder="templates")
