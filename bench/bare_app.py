"""The floor for ``bench/agenda.py``: a bare Flask app, served by the same gunicorn command as
Roundtable, so the agenda's requests per second can be read as a share of what the stack
(gunicorn, Werkzeug, Flask, loopback TCP) allows on this machine."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "ok"
