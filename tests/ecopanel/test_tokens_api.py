"""``/api/v1/tokens``: list (own; any user's for Office administrators), issue (shown once), revoke; audited."""

from __future__ import annotations

import re
from datetime import timedelta

from ground.accounts import ApiToken
from ground.audit import AuditEntry
from ground.clock import as_utc, wall_now


def bearer(token: str, lang: str = "en") -> dict:
    return {"Authorization": f"Bearer {token}", "Accept-Language": lang}


def audit(db, action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return db.session.query(AuditEntry).filter_by(action=action).order_by(AuditEntry.seq).all()


def test_list_shows_own_tokens_without_secrets(client, db, make_user):
    user, token = make_user("province", province="32")
    make_user("province", province="32")  # someone else's token is not listed
    response = client.get("/api/v1/tokens", headers=bearer(token))
    assert response.status_code == 200
    body = response.json
    assert body["total"] == 1 and body["page"] == 1
    [item] = body["items"]
    assert set(item) == {"id", "user_id", "name", "created_at", "expires_at", "revoked_at", "last_used_at", "active"}
    assert item["user_id"] == user.id and item["active"] is True
    stored = db.session.query(ApiToken).filter_by(user_id=user.id).one().token_hash
    assert stored not in response.text and token not in response.text


def test_issue_returns_the_token_once(client, db, make_user):
    user, token = make_user("office")
    created = client.post("/api/v1/tokens", json={"name": "nightly export", "days": 30}, headers=bearer(token))
    assert created.status_code == 201
    new = created.json["token"]
    assert re.fullmatch(r"ecp_[A-Za-z0-9_-]{40,}", new)
    assert created.json["name"] == "nightly export" and created.json["user_id"] == user.id
    expires = as_utc(db.session.get(ApiToken, created.json["id"]).expires_at)
    assert timedelta(days=29, hours=23) < expires - wall_now() <= timedelta(days=30)
    assert client.get("/api/v1/experts", headers=bearer(new)).status_code == 200
    listed = client.get("/api/v1/tokens", headers=bearer(new))
    assert listed.json["total"] == 2 and new not in listed.text and "token_hash" not in listed.text
    assert all("token" not in item for item in listed.json["items"])
    [entry] = [e for e in audit(db, "token.issue") if e.data["token_id"] == created.json["id"]]
    assert entry.actor_user_id == user.id and entry.object_id == str(user.id) and new not in str(entry.data)


def test_default_expiry_and_validation(client, db, make_user):
    _, token = make_user("office")
    created = client.post("/api/v1/tokens", json={}, headers=bearer(token))
    assert created.status_code == 201 and created.json["name"] == ""
    expires = as_utc(db.session.get(ApiToken, created.json["id"]).expires_at)
    assert timedelta(days=364) < expires - wall_now() <= timedelta(days=365)
    for bad in ({"days": 0}, {"days": 3651}, {"name": "x" * 101}, {"user_id": 1}):
        refused = client.post("/api/v1/tokens", json=bad, headers=bearer(token))
        assert refused.status_code == 422, bad
        assert refused.json["code"] == "invalid_input"


def test_a_token_cannot_mint_one_that_outlives_it(client, db, make_user):
    user, token = make_user("office")
    row = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    row.expires_at = wall_now() + timedelta(days=2)
    db.session.commit()
    created = client.post("/api/v1/tokens", json={"days": 365}, headers=bearer(token))
    assert created.status_code == 201
    assert as_utc(db.session.get(ApiToken, created.json["id"]).expires_at) == as_utc(row.expires_at)


def test_revoke_own_token(client, db, make_user):
    user, token = make_user("province", province="44")
    spare = client.post("/api/v1/tokens", json={"name": "spare"}, headers=bearer(token)).json
    assert client.delete(f"/api/v1/tokens/{spare['id']}", headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/experts", headers=bearer(spare["token"])).status_code == 401
    assert client.delete(f"/api/v1/tokens/{spare['id']}", headers=bearer(token)).status_code == 204  # idempotent
    listed = {i["id"]: i for i in client.get("/api/v1/tokens", headers=bearer(token)).json["items"]}
    assert listed[spare["id"]]["active"] is False and listed[spare["id"]]["revoked_at"]
    [entry] = audit(db, "token.revoke")  # the second revocation changed nothing and recorded nothing
    assert entry.data["token_id"] == spare["id"] and entry.actor_user_id == user.id
    # a token can revoke itself
    own_id = db.session.query(ApiToken).filter_by(user_id=user.id, name="").one().id
    assert client.delete(f"/api/v1/tokens/{own_id}", headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/tokens", headers=bearer(token)).status_code == 401


def test_others_tokens_are_out_of_reach_for_non_administrators(client, db, make_user):
    _, mine = make_user("office")  # an Office user, but not an administrator
    other, theirs = make_user("province", province="32")
    their_id = db.session.query(ApiToken).filter_by(user_id=other.id).one().id
    response = client.delete(f"/api/v1/tokens/{their_id}", headers=bearer(mine))
    assert response.status_code == 404 and response.json["code"] == "not_found"
    assert client.get("/api/v1/experts", headers=bearer(theirs)).status_code == 200
    listing = client.get(f"/api/v1/tokens?user_id={other.id}", headers=bearer(mine))
    assert listing.status_code == 403 and listing.json["code"] == "forbidden"
    assert client.delete("/api/v1/tokens/99999", headers=bearer(mine)).status_code == 404


def test_office_administrators_list_and_revoke_anyones(client, db, make_user):
    _, admin = make_user("office", is_admin=True)
    other, theirs = make_user("province", province="44")
    listing = client.get(f"/api/v1/tokens?user_id={other.id}", headers=bearer(admin))
    assert listing.status_code == 200 and [i["user_id"] for i in listing.json["items"]] == [other.id]
    their_id = listing.json["items"][0]["id"]
    assert client.delete(f"/api/v1/tokens/{their_id}", headers=bearer(admin)).status_code == 204
    assert client.get("/api/v1/experts", headers=bearer(theirs)).status_code == 401
    [entry] = audit(db, "token.revoke")
    assert entry.object_id == str(other.id) and entry.data["token_id"] == their_id


def test_pagination(client, make_user):
    _, token = make_user("office")
    for i in range(4):
        client.post("/api/v1/tokens", json={"name": f"t{i}"}, headers=bearer(token))
    page = client.get("/api/v1/tokens?page=2&page_size=2", headers=bearer(token)).json
    assert page["total"] == 5 and [i["name"] for i in page["items"]] == ["t1", "t0"]  # newest first
    assert client.get("/api/v1/tokens?bogus=1", headers=bearer(token)).status_code == 422


def test_session_callers_need_csrf_to_issue(client, make_user):
    make_user("office", email="staff@example.com", password="right-password-1")
    page = client.get("/login").text
    token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": "staff@example.com", "password": "right-password-1", "csrf_token": token})
    refused = client.post("/api/v1/tokens", json={"name": "from the page"})
    assert refused.status_code == 400 and refused.json["code"] == "csrf_failed"
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/experts").text).group(1)
    created = client.post("/api/v1/tokens", json={"name": "from the page"}, headers={"X-CSRFToken": csrf})
    assert created.status_code == 201 and created.json["token"].startswith("ecp_")


def test_cli_issued_tokens_are_listed_and_revocable(app, client, db, make_user):
    _, token = make_user("office", email="ops@example.com")
    result = app.test_cli_runner().invoke(args=["tokens", "issue", "ops@example.com"])
    cli_token = result.output.strip()
    assert result.exit_code == 0 and result.output == cli_token + "\n"  # the token and nothing else
    items = client.get("/api/v1/tokens", headers=bearer(token)).json["items"]
    cli_row = next(i for i in items if i["name"] == "cli")
    assert client.delete(f"/api/v1/tokens/{cli_row['id']}", headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/experts", headers=bearer(cli_token)).status_code == 401



def test_last_use_is_recorded_once_per_window(app, client, db, make_user, monkeypatch):
    from ecopanel.auth import services

    user, token = make_user("province", province="32")
    first = client.get("/api/v1/tokens", headers=bearer(token)).json["items"][0]["last_used_at"]
    assert first is not None  # the listing request itself used the token
    db.session.expire_all()
    stamp = as_utc(db.session.query(ApiToken).filter_by(user_id=user.id).one().last_used_at)
    assert abs(stamp - wall_now()) < timedelta(minutes=1)
    client.get("/api/v1/experts", headers=bearer(token))
    db.session.expire_all()
    assert as_utc(db.session.query(ApiToken).filter_by(user_id=user.id).one().last_used_at) == stamp  # same window
    later = wall_now() + services.LAST_USED_RESOLUTION + timedelta(seconds=1)
    monkeypatch.setattr(services, "wall_now", lambda: later)
    client.get("/api/v1/experts", headers=bearer(token))
    db.session.expire_all()
    assert as_utc(db.session.query(ApiToken).filter_by(user_id=user.id).one().last_used_at) == later
