"""TOTP secrets encrypted at rest: ``users.totp_secret`` widens to 255 and its values become Fernet tokens.

Reviewed by hand. The column type changes (a Fernet token of a 32-character base32 seed is 140 characters),
then every stored seed is encrypted with the application's ``TOTP_ENCRYPTION_KEY`` (ground.encryption). This
is the one place that reads a seed in clear from the database: rows are read and written with plain SQL, not
through the model's encrypting type. A value that already decrypts is left alone, so a rerun after a
partial failure (on SQLite the whole upgrade is one transaction anyway) does not encrypt twice. The
downgrade decrypts them back.

Revision ID: 8d41e07b95a3
Revises: 3f9a1c7d2b60
Create Date: 2026-12-03 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from cryptography.fernet import InvalidToken

# revision identifiers, used by Alembic.
revision = '8d41e07b95a3'
down_revision = '3f9a1c7d2b60'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('id', sa.Integer()), sa.column('totp_secret', sa.String()))


def _fernet():
    from flask import current_app

    from ground.encryption import KEY_SETTING, fernet_for

    return fernet_for(current_app.config[KEY_SETTING])


def _rewrite(convert) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.totp_secret)
                              .where(users.c.totp_secret.is_not(None))).all()
    for row_id, value in rows:
        new = convert(value)
        if new != value:
            connection.execute(users.update().where(users.c.id == row_id).values(totp_secret=new))


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64), type_=sa.String(length=255),
                              existing_nullable=True)
    fernet = _fernet()

    def encrypt(value: str) -> str:
        try:
            fernet.decrypt(value.encode())
            return value  # already encrypted
        except InvalidToken:
            return fernet.encrypt(value.encode()).decode('ascii')

    _rewrite(encrypt)


def downgrade():
    fernet = _fernet()
    _rewrite(lambda value: fernet.decrypt(value.encode()).decode())
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=255), type_=sa.String(length=64),
                              existing_nullable=True)
