"""Weekly slot: an index on its standing driver (a driver's held slots, their opened days).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:42:38.140423
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recurring_slot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recurring_slot_standing_driver_id"), ["standing_driver_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("recurring_slot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recurring_slot_standing_driver_id"))
