"""The TOTP second factor (RFC 6238, 6 digits, 30-second steps) on top of :mod:`pyotp`.

Optional for every account, required for Office administrators (the sign-in pages enforce that). Bearer
tokens and the command line are not affected: a token is already a credential of its own.

The secret is shown to its owner only while the enrolment is unconfirmed; once a first code confirms it,
no page or API returns it again. A code is accepted one step early or late (clock drift), and only once:
the step it matched is claimed with a conditional UPDATE, so a replay, even a simultaneous one in another
process, finds the step taken.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum

import pyotp
import segno
from pyotp.utils import strings_equal
from sqlalchemy import or_, update

from ground.accounts import User
from ground.actor import Actor
from ground.audit import record
from ground.errors import Conflict, InvalidInput
from ground.extensions import db
from ground.i18n import _l

CODE = re.compile(r"^\d{6}$")
DRIFT_STEPS = 1


class Check(Enum):
    OK = "ok"
    WRONG = "wrong"
    REPLAYED = "replayed"


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    code = (code or "").strip().replace(" ", "")
    if not CODE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if strings_equal(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    claimed = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step), execution_options={"synchronize_session": False}).rowcount == 1
    db.session.expire(user, ["totp_last_step"])
    return claimed


def check_code(user: User, code: str, now: datetime) -> Check:
    """Verify a sign-in code of an enrolled user and use it up."""
    if not user.totp_enabled or not user.totp_secret:
        return Check.WRONG
    step = _matching_step(user.totp_secret, code, now)
    if step is None:
        return Check.WRONG
    return Check.OK if _claim_step(user, step) else Check.REPLAYED


def pending_secret(user: User) -> str:
    """The secret to show during enrolment, created on first need (never once enrolment is confirmed)."""
    if user.totp_enabled:
        raise Conflict("totp_enrolled", _l("Two-step verification is already enabled."))
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()  # 160 bits, as RFC 4226 recommends
        db.session.flush()
    return user.totp_secret


def provisioning_uri(user: User, secret: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def confirm_enrolment(actor: Actor, user: User, code: str, now: datetime) -> None:
    """Turn the second factor on once a first code proves the authenticator holds the secret."""
    secret = pending_secret(user)
    step = _matching_step(secret, code, now)
    if step is None or not _claim_step(user, step):
        raise InvalidInput("totp_code_invalid", _l("Wrong code: enter the 6 digits your authenticator shows now."),
                           {"code": [_l("Wrong code.")]})
    user.totp_enabled_at = now
    db.session.flush()
    record(actor, "auth.totp_enrol", "user", user.id, {})


def disable(actor: Actor, user: User, code: str, now: datetime) -> None:
    """Turn the second factor off (not for administrators, who must keep it), proven by a current code."""
    if user.is_admin:
        raise Conflict("totp_required", _l("Office administrators must keep two-step verification."))
    if check_code(user, code, now) is not Check.OK:
        raise InvalidInput("totp_code_invalid", _l("Wrong code."),
                           {"code": [_l("Wrong code.")]})
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.flush()
    record(actor, "auth.totp_disable", "user", user.id, {})


def qr_svg(uri: str, title: str) -> str:
    """The provisioning URI as an inline SVG QR code (drawn here: no image request, no third party)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, svgclass="qr", title=title, dark="#1d2733")
