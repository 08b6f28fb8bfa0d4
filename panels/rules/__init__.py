"""Pure panel rules: recusal and eligibility, rule-set semantics, who convenes, the draw bundle, feasibility.

Nothing here imports Flask, SQLAlchemy, marshmallow, ``ground`` or a non-pure module of the project; the
functions take plain values (dates passed in, never read from a clock).
"""
