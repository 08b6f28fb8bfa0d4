"""Waves: many parks' meetings planned at once, dates and randomly drawn panels together (issue 15).

:mod:`.models` (a wave: its request, committed inputs, seed and plan), :mod:`.inputs` (the planner's input
built from the database in one load of the pool), :mod:`.services` (propose, re-plan, verify, commit),
:mod:`.present`, :mod:`.schemas`, :mod:`.routes`. The planner itself is pure: :mod:`panels.solver.waves`;
the canonical inputs and their replay are :mod:`panels.rules.wave_bundle`.
"""
