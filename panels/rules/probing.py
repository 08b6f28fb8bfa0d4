"""Signs that a province probes other authorities' confidential panels by moving its own.

A province's move onto a day some of its members sit on another authority's panel is refused alike,
whoever and however many they are, and referred to the Office. That is still one bit: "some member of mine
is busy that day". Changing one's own panel between tries (replace a member, move again) turns bits into a
name, and many referred moves of one province add up. Neither can be told from honest work by the answer
alone, so they are not refused: they are flagged to the Office, which sees the trail in the audit log.
"""

from __future__ import annotations

#: The span over which a province's referred moves are counted, and how many of them make a pattern.
REFERRALS_WINDOW_DAYS = 30
REFERRALS_FLAGGED_AT = 3


def probing_signs(*, referred_now: bool, referred_before: bool, seat_changed_since: bool,
                  referrals_in_window: int) -> list[str]:
    """The signs of probing in a province's move of its panel, referred (``referred_now``) or made: the panel
    was referred before and a seat changed since (the move-replace-move pattern), or a referral brings the
    province's referred moves over the window (this one included) to :data:`REFERRALS_FLAGGED_AT`."""
    signs = []
    if referred_before and seat_changed_since:
        signs.append("moved_again_after_a_seat_changed")
    if referred_now and referrals_in_window >= REFERRALS_FLAGGED_AT:
        signs.append("repeated_referrals")
    return signs


# A province's panel drawn and cancelled soon after is a throwaway draw. What such a draw reads of the pool no
# longer moves with one expert's facts (the anonymous count is over the whole pool, the chances are the
# Office's), but who its lottery seats still rests on the real pool: many throwaway draws on one day add up to
# a picture of who is busy there. Honest work cancels a draw too, so they are flagged, not refused.
THROWAWAY_HOURS = 48
THROWAWAYS_FLAGGED_AT = 3


def throwaway_signs(*, throwaways_in_window: int, same_day_throwaways: int) -> list[str]:
    """The signs of probing when a province cancels a panel it drew less than :data:`THROWAWAY_HOURS` ago:
    another throwaway of its own for the same meeting day in the window, or :data:`THROWAWAYS_FLAGGED_AT`
    throwaways over the window (this one included)."""
    signs = []
    if same_day_throwaways >= 2:
        signs.append("drawn_and_cancelled_again_for_one_day")
    if throwaways_in_window >= THROWAWAYS_FLAGGED_AT:
        signs.append("repeated_throwaway_draws")
    return signs
