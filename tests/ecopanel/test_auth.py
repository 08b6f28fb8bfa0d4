"""Sign-in, sessions, CSRF and tokens."""

from __future__ import annotations

import re
from datetime import timedelta

from ground.accounts import ApiToken
from ground.clock import wall_now


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_pages_redirect_to_login(client):
    response = client.get("/experts")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_page_session_and_api(client, make_user):
    make_user("office", email="staff@example.com", password="right-password-1")
    page = client.get("/login")
    assert page.status_code == 200
    token = _csrf(page.text)
    wrong = client.post("/login", data={"email": "staff@example.com", "password": "nope", "csrf_token": token})
    assert wrong.status_code == 401
    ok = client.post("/login?next=/experts", data={"email": "staff@example.com", "password": "right-password-1",
                                                   "csrf_token": token})
    assert ok.status_code == 302 and ok.headers["Location"] == "/experts"
    assert client.get("/experts").status_code == 200
    # the page's own API calls ride on the session
    assert client.get("/api/v1/experts").status_code == 200


def test_login_without_csrf_token_is_refused(client, make_user):
    make_user("office", email="staff@example.com", password="right-password-1")
    response = client.post("/login", data={"email": "staff@example.com", "password": "right-password-1"})
    assert response.status_code in (200, 400, 401)
    assert client.get("/experts").status_code == 302


def test_session_api_writes_need_csrf(client, make_user, make_org):
    make_user("office", email="staff@example.com", password="right-password-1")
    token = _csrf(client.get("/login").text)
    client.post("/login", data={"email": "staff@example.com", "password": "right-password-1", "csrf_token": token})
    org = {"name": "某研究院", "type": "institute"}
    refused = client.post("/api/v1/organizations", json=org)
    assert refused.status_code == 400 and refused.json["code"] == "csrf_failed"
    page = client.get("/experts").text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    accepted = client.post("/api/v1/organizations", json=org, headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 201


def test_open_redirect_is_refused(client, make_user):
    make_user("office", email="staff@example.com", password="right-password-1")
    token = _csrf(client.get("/login").text)
    response = client.post("/login?next=//evil.example/x", data={
        "email": "staff@example.com", "password": "right-password-1", "csrf_token": token})
    assert response.headers["Location"] == "/experts" or response.headers["Location"].endswith("/")


def test_expired_and_revoked_tokens(client, db, make_user):
    user, token = make_user("office")
    assert client.get("/api/v1/experts", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    row = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    row.expires_at = wall_now() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/experts", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    row.expires_at = None
    row.revoked_at = wall_now()
    db.session.commit()
    assert client.get("/api/v1/experts", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_tokens_are_stored_hashed(db, make_user):
    _, token = make_user("office")
    stored = db.session.query(ApiToken).one().token_hash
    assert token not in stored and len(stored) == 64


def test_inactive_user_cannot_use_token(client, db, make_user):
    user, token = make_user("office")
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/experts", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS would be meaningless
    secure = client.get("/login", base_url="https://ecopanel.example")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_personal_data_is_never_cached(office_api, make_expert, client):
    make_expert()
    listing = office_api.get("/experts")
    assert listing.status_code == 200 and listing.headers["Cache-Control"] == "no-store"
    static = client.get("/static/app.css")
    static.close()  # a file response: close it, or the open file warns
    assert static.headers.get("Cache-Control") != "no-store"  # static files may be cached


def test_passwords_are_argon2id_and_old_parameters_are_rehashed(db, make_user):
    from argon2 import PasswordHasher

    from ecopanel.auth.services import verify_password

    user, _ = make_user("office")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash("correct horse battery")
    assert verify_password(user, "correct horse battery")
    assert user.password_hash.startswith("$argon2id$") and "m=8192" not in user.password_hash
    assert not verify_password(user, "wrong horse battery")


def test_only_a_test_app_may_lower_the_hash_parameters(tmp_path, monkeypatch):
    """The suite's cheap argon2 parameters (``PASSWORD_HASH_PARAMETERS``) are ignored outside ENVIRONMENT=test."""
    from argon2 import PasswordHasher

    from ecopanel.app import create_app
    from ecopanel.auth.services import hash_password

    monkeypatch.setenv("ECOPANEL_INSTANCE_PATH", str(tmp_path))
    cheap = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    library = PasswordHasher().hash("x").split("$")[3]
    for environment, expected in (("test", "m=8,t=1,p=1"), ("production", library), ("development", library)):
        app = create_app({"ENVIRONMENT": environment, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                          "PASSWORD_HASH_PARAMETERS": cheap, "SECRET_KEY": "k", "AUDIT_HMAC_KEY": "k"})
        with app.app_context():
            assert hash_password("correct horse battery").split("$")[3] == expected, environment
