"""Donation: when the store was asked about a recurring day (prompted_at).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:46:42.346428
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("donation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prompted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("donation", schema=None) as batch_op:
        batch_op.drop_column("prompted_at")
