"""Alembic migrations (Flask-Migrate). Every schema change is a revision here, reviewed by hand."""
