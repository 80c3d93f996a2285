"""The test helper that posts what a page renders reads a form as a browser does."""

import pytest

from tests.forms import form_in

PAGE = """<html><body>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>
<main>
  <form method="post" novalidate>
    <input type="hidden" name="csrf_token" value="tok&amp;en">
    <input name="title" value="Opening">
    <input name="off" value="x" disabled>
    <select name="kind"><option value="plenary">Plenary</option><option>Break</option></select>
    <select name="day"><option value="1">One</option><option value="2" selected>Two</option>
    </select>
    <textarea name="notes">
Line one</textarea>
    <input type="checkbox" name="chatham" value="y" checked>
    <input type="checkbox" name="approval" value="y">
    <ul><li><input type="checkbox" name="countries" value="AU" checked></li>
        <li><input type="checkbox" name="countries" value="TH"></li></ul>
    <input type="radio" name="occurrence" value="earlier">
    <input type="radio" name="occurrence" value="later">
    <input type="submit" name="preview" value="Preview times">
    <input type="submit" name="submit" value="Save session">
  </form>
</main></body></html>"""


class Recorder:
    def post(self, url, data):
        self.sent = (url, data)
        return "posted"


def test_it_sends_what_a_browser_sends_and_nothing_the_page_lacks():
    client = Recorder()
    form = form_in(client, "/events/1/sessions/new", PAGE)
    assert form.action == "/events/1/sessions/new"
    assert form.data() == {"csrf_token": "tok&en", "title": "Opening", "kind": "plenary",
                           "day": "2", "notes": "Line one", "chatham": ["y"],
                           "countries": ["AU"]}
    with pytest.raises(KeyError, match="attendance_mode"):
        form.fill(attendance_mode="online")
    with pytest.raises(KeyError, match="off"):
        form.fill(off="y")  # disabled: a browser never sends it
    with pytest.raises(ValueError, match="offers"):
        form.fill(kind="party")
    with pytest.raises(ValueError, match="say which button"):
        form.submit()
    form.fill(kind="Break", approval=True, chatham=False, countries=["AU", "TH"],
              occurrence="later").forge(day="garbage")
    assert form.submit("Save session") == "posted"
    url, sent = client.sent
    assert url == "/events/1/sessions/new" and sent["submit"] == "Save session"
    assert "preview" not in sent and "chatham" not in sent
    assert sent.getlist("countries") == ["AU", "TH"] and sent["approval"] == "y"
    assert sent["kind"] == "Break" and sent["day"] == "garbage"
    assert sent["occurrence"] == "later"


UPLOAD = """<main><form method="post" enctype="multipart/form-data">
  <input name="title" required value="">
  <input type="file" name="file" id="file" required>
  <input type="checkbox" name="consent" value="y" required>
  <select name="kind"><option value="toolkit">Toolkit</option></select>
  <button type="submit">Upload</button>
</form></main>"""


def test_it_knows_required_fields_and_sends_a_chosen_file():
    client = Recorder()
    form = form_in(client, "/library/upload", UPLOAD)
    controls = form.parsed.controls
    assert (controls["title"].required, controls["consent"].required,
            controls["kind"].required) == (True, True, False)
    assert form.parsed.files["file"].required and "file" not in form.data()
    with pytest.raises(KeyError, match="no file field 'photo'"):
        form.attach("photo", b"x", "x.png")
    form.attach("file", b"%PDF-1.4", "brief.pdf").submit()
    _url, sent = client.sent
    stream, filename = sent["file"]
    assert (stream.read(), filename) == (b"%PDF-1.4", "brief.pdf")
