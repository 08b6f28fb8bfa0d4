"""The pure rules of the park lifecycle: plain values in, plain values out.

No Flask, SQLAlchemy, marshmallow or ``ground`` here, and no clock: callers pass today's date (or ``now``).
:mod:`.lifecycle` (the Measures' transition table and everything it derives), :mod:`.calendar` (the
working-day calendar), :mod:`.year_files` (parsing an administrator's year file), :mod:`.periods` (calendar
periods in years and months).
"""
