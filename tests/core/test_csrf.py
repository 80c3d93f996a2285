import re

from tests.fixtures.database import make_test_config


def test_posts_without_a_csrf_token_are_refused(database, app):
    from app import create_app

    _name, url = database
    csrf_app = create_app(make_test_config(url, WTF_CSRF_ENABLED=True))
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400
    assert b"Please go back, reload the page" in response.data
    response = client.post("/language", data={"locale": "th"})
    assert response.status_code == 400


def test_posts_with_the_token_pass(database, app):
    from app import create_app

    _name, url = database
    csrf_app = create_app(make_test_config(url, WTF_CSRF_ENABLED=True))
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/language", data={"locale": "th", "csrf_token": token, "next": "/"})
    assert response.status_code == 302
