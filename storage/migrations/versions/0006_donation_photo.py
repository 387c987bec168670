"""Donation: the photo a store sent with its announcement (Telegram's file id).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:14:50.800116
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("donation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photo_file_id", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("donation", schema=None) as batch_op:
        batch_op.drop_column("photo_file_id")
