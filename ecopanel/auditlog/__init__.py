"""The Office's view of the audit log (``/audit``): entries filtered and paged, in words; the chain's
verification and checkpoint state; who looked at personal data or confidential panels."""
