from flask import Blueprint
from sqlalchemy import event
from sqlalchemy.orm import Session

bp = Blueprint("calendar", __name__, template_folder="templates")

from app.calendar import views  # noqa: E402, F401  (routes register on import)
from app.calendar.services import follow_changes  # noqa: E402

event.listen(Session, "after_flush", follow_changes)
