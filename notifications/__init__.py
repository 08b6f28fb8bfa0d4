"""Outgoing mail (the outbox) and the experts' invitations to panels (accept or decline from the inbox)."""
