"""An expert's own page (``/me``): their record as the pool keeps it and their invitations, read-only."""
