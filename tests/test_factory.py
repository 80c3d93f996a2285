import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from config import CONFIGS
from config import ProductionConfig
from config import database_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_every_config_builds_an_app(name, tmp_path):
    overrides = {"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.db",
                 "PUBLIC_URL": "https://roundtable.example.org",
                 "MAIL_DEFAULT_SENDER": "roundtable@example.org"}
    config = type("C", (CONFIGS[name],), overrides)
    app = create_app(config)
    assert app.config["SECRET_KEY"] == "x" * 32


def test_production_sets_secure_cookies():
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY is True


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(ROUNDTABLE_ENV="production", DATABASE_URL="sqlite://")
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_default_database_is_a_sqlite_file_under_instance(tmp_path, monkeypatch):
    config = type("C", (CONFIGS["development"],), {"SQLALCHEMY_DATABASE_URI": None})
    app = create_app(config)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///") and uri.endswith("instance/roundtable.db")


@pytest.mark.parametrize("raw, expected", [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
    ("", None),
])
def test_database_url_selects_psycopg3(raw, expected):
    assert database_url(raw) == expected
