"""A calendar feed fetched while other requests write: never a "database is locked" 503.

On SQLite a transaction that has read and then writes is refused at once when another
connection wrote in between (the busy timeout does not apply to it). The feed reads its
stamp, then counts the request against its rate limit (a write): a registration committed
between the two made the feed answer 503 while people registered (seen in bench/soak.py)."""

from sqlalchemy import update

from app.auth.models import User
from app.calendar import services
from app.calendar.services import issue_feed_token
from app.extensions import db


def test_a_feed_fetched_while_another_request_commits_is_served(race_app, monkeypatch):
    with race_app.app_context():
        user = User(email="poller@example.org", display_name="Poller", password_hash="!",
                    timezone="Asia/Jakarta", is_participant=True)
        db.session.add(user)
        db.session.flush()
        token = issue_feed_token(user)
        user_id = user.id
        db.session.commit()
        db.session.remove()

    read_stamp = services.feed_stamp

    def stamp_then_someone_writes(token):
        stamp = read_stamp(token)
        with db.engine.connect() as other:  # another worker's request, committed meanwhile
            other.execute(update(User).where(User.id == user_id).values(display_name="Moved"))
            other.commit()
        return stamp

    monkeypatch.setattr(services, "feed_stamp", stamp_then_someone_writes)
    client = race_app.test_client()
    for _ in range(3):
        response = client.get(f"/calendar/{token}.ics")
        assert response.status_code == 200, response.status_code
        assert b"BEGIN:VCALENDAR" in response.data
