"""What every command line of the project shares: a domain error printed in both languages."""

from __future__ import annotations

import sys

import click

from ground.errors import DomainError


def fail(error: DomainError) -> None:
    """Print a domain error in Chinese and English, with per-field details, and exit 1."""
    click.echo(f"错误 [{error.code}]: {error.message.zh}", err=True)
    click.echo(f"error [{error.code}]: {error.message.en}", err=True)
    for field, messages in (error.errors or {}).items():
        for message in messages if isinstance(messages, list) else [messages]:
            zh, en = (message.zh, message.en) if hasattr(message, "zh") else (str(message), str(message))
            click.echo(f"  {field}: {zh} / {en}", err=True)
    sys.exit(1)
