from flask import Blueprint

bp = Blueprint("events", __name__, template_folder="templates")

from sqlalchemy import event  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.events import views  # noqa: E402, F401  (routes register on import)
from app.events.pagecache import touch_events  # noqa: E402

event.listen(Session, "after_flush", touch_events)
