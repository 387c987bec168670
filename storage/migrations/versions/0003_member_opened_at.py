"""Member: when the person first wrote to the bot (opened_at); until then Telegram does not
let the bot write to them.

People who already acted (an audit line of theirs) or joined by an invitation have opened
the bot: they get their creation time. People only listed in config.toml stay unknown.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 09:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE member SET opened_at = created_at WHERE telegram_id IS NOT NULL AND ("
        " id IN (SELECT actor_id FROM audit_log WHERE actor_id IS NOT NULL)"
        " OR id IN (SELECT used_by_id FROM invite WHERE used_by_id IS NOT NULL))"
    )


def downgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("opened_at")
