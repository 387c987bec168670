"""Receipt: how a coordinator settled a dispute; donation item: a collected weight estimated.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 09:24:34.728043
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("donation_item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "collected_estimated", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("settlement", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("settled_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_receipt_settled_by_id_member"), "member", ["settled_by_id"], ["id"]
        )
        batch_op.create_check_constraint(
            "receipt_settlement",
            "settlement IS NULL OR settlement IN ('association', 'driver', 'lost')",
        )


def downgrade() -> None:
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.drop_constraint("receipt_settlement", type_="check")
        batch_op.drop_constraint(batch_op.f("fk_receipt_settled_by_id_member"), type_="foreignkey")
        batch_op.drop_column("settled_at")
        batch_op.drop_column("settled_by_id")
        batch_op.drop_column("settlement")
    with op.batch_alter_table("donation_item", schema=None) as batch_op:
        batch_op.drop_column("collected_estimated")
