"""A panel's meeting and its conclusion: the meeting record (place or video link, start, chair, the panel's
opinion, the Art. 17 check-list or the evaluation score sheet), who attended, and the conclusion that moves the
park.

:mod:`.models` (the record and its attendance), :mod:`.meeting` (reading and writing the record and the
attendance), :mod:`.conclude` (the conclusion: quorum, documents, and the lifecycle actions it takes through
``scheduling``'s transition service, or the decisions it proposes), :mod:`.facts` (the conclusions awaiting
action, as the lifecycle's facts see them), :mod:`.present`, :mod:`.schemas`, :mod:`.routes`. The pure rules
are :mod:`panels.rules.quorum` and :mod:`panels.rules.meeting_documents`; which action a conclusion takes is
lifecycle knowledge (:mod:`scheduling.rules.lifecycle.panel_outcomes`).
"""
