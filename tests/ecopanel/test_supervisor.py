"""The draw's supervisor (监督): another active staff account of the caller's own authority, confirmed by its
password or, when it has one, its TOTP code (never its password then); failures count toward its lockout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from ecopanel.auth.supervisor import confirm_supervisor
from ground.errors import InvalidInput
from tests.ecopanel.test_auth_hardening import enrolled

NOW = datetime(2026, 9, 14, 2, 0, tzinfo=UTC)
PASSWORD = "correct-horse-battery"


def _refused(actor, email, secret):
    with pytest.raises(InvalidInput) as caught:
        confirm_supervisor(actor, email, secret, NOW)
    assert caught.value.code == "supervisor_not_confirmed"


def test_a_supervisor_of_the_same_authority_confirms_with_their_password(db, make_user):
    caller, _ = make_user("province", province="32")
    supervisor, _ = make_user("province", province="32")
    assert confirm_supervisor(caller.actor(), supervisor.email, PASSWORD, NOW) == supervisor.email
    named, _ = make_user("province", province="32", name="王 监督")
    assert confirm_supervisor(caller.actor(), named.email, PASSWORD, NOW) == f"王 监督 <{named.email}>"


def test_refusals_self_other_authority_inactive_wrong_password(db, make_user):
    caller, _ = make_user("province", province="32")
    other_province, _ = make_user("province", province="33")
    office, _ = make_user("office")
    inactive, _ = make_user("province", province="32")
    inactive.active = False
    db.session.commit()
    actor = caller.actor()
    _refused(actor, caller.email, PASSWORD)  # nobody supervises their own draw
    _refused(actor, other_province.email, PASSWORD)
    _refused(actor, office.email, PASSWORD)  # the Office does not witness a province's draw
    _refused(actor, inactive.email, PASSWORD)
    _refused(actor, "nobody@example.com", PASSWORD)
    supervisor, _ = make_user("province", province="32")
    _refused(actor, supervisor.email, "wrong")
    db.session.expire_all()
    assert supervisor.failed_logins == 1  # counted toward the lockout, as a failed sign-in


def test_a_supervisor_with_two_step_verification_confirms_with_the_code_only(db, make_user):
    caller, _ = make_user("office")
    supervisor, _ = make_user("office")
    secret = enrolled(db, supervisor, NOW - timedelta(minutes=5))
    _refused(caller.actor(), supervisor.email, PASSWORD)
    assert confirm_supervisor(caller.actor(), supervisor.email, pyotp.TOTP(secret).at(NOW), NOW) == supervisor.email
    db.session.commit()
    _refused(caller.actor(), supervisor.email, pyotp.TOTP(secret).at(NOW))  # a code is used once
