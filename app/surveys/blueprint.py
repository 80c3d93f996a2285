"""The surveys blueprint: its views add their routes to it; app.create_app registers it."""

from flask import Blueprint

bp = Blueprint("surveys", __name__, template_folder="templates")
