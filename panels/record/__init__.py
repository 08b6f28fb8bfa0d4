"""The experts' record after a meeting: the convener's ratings within the window, conduct records, the credit
score the Office's rule set derives from them with the proposals it makes, and the honoraria's fee sheet.

:mod:`.models`; :mod:`.rule_data` (the credit rule set and the fee rate table: versioned data the Office
edits); :mod:`.ratings` (the window, rating a member, the reminder sweep); :mod:`.conduct` (records derived from
attendance and invitations, and those the Office records); :mod:`.credit` (the score, its history, the
proposals and the Office's decisions); :mod:`.fees` (the XLSX fee sheet); :mod:`.schemas`, :mod:`.routes`.
The pure rules are :mod:`panels.rules.credit` and :mod:`panels.rules.fees`.
"""
