"""Configuration order, secrets, and what production hides."""

from __future__ import annotations

import json
import stat

from ecopanel.app import create_app
from ecopanel.config import normalize_database_url


def test_database_url_spellings():
    assert normalize_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_defaults_environment_then_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("ECOPANEL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("ECOPANEL_MAIL_SERVER", "smtp.example.cn")
    monkeypatch.setenv("ECOPANEL_MAIL_PORT", "2525")
    app = create_app()
    assert app.config["MAIL_SERVER"] == "smtp.example.cn"
    assert app.config["MAIL_PORT"] == 2525  # parsed as JSON, so a number
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'ecopanel.db'}"
    secrets_file = tmp_path / "secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    generated = json.loads(secrets_file.read_text())
    assert app.config["SECRET_KEY"] == generated["SECRET_KEY"]
    # the same secrets on the next start (sessions, tokens and the audit chain survive restarts)
    assert create_app().config["AUDIT_HMAC_KEY"] == generated["AUDIT_HMAC_KEY"]
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.internal/ecopanel")
    app = create_app({"MAIL_PORT": 25})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.internal/ecopanel"
    assert app.config["MAIL_PORT"] == 25


def test_openapi_in_test_not_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("ECOPANEL_INSTANCE_PATH", str(tmp_path))
    dev = create_app({"ENVIRONMENT": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).test_client()
    spec = dev.get("/openapi.json")
    assert spec.status_code == 200
    assert "/api/v1/experts" in spec.json["paths"]
    prod = create_app({"ENVIRONMENT": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).test_client()
    assert prod.get("/openapi.json").status_code == 404
