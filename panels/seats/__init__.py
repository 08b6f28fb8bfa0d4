"""A panel's seats and what happens to them.

Invite the drawn members (:mod:`.invite`); the expert answers from the mail's links (:mod:`.links`,
:mod:`.pages`): accept with the pledge or decline (:mod:`.answers`); silence at the deadline counts as a
decline (:mod:`.sweep`). A vacated seat, whoever vacates it (the expert's decline or silence, or staff through
``POST /panels/{id}/replacements``), goes through :func:`panels.seats.replace.vacate_seat`: promote an
alternate or draw a replacement, and invite the successor when the rule set says so. Staff hear who answered
(:mod:`.digest`); a meeting moves or is cancelled (:mod:`.meetings`). What the mails say is :mod:`.mail`;
``notifications`` only queues and delivers them.
"""
