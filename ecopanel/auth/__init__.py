"""Signing in (sessions, TOTP, lockout, rate limits), API tokens and the permission matrix."""
