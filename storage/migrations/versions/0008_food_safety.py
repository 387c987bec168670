"""Food safety: use-by and best-before dates and lots on items, the date each category needs
(and a best-before grace), associations' distribution days, chilled food withheld after a
"too warm" receipt, and recalls with their notices.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 13:10:11.354975
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recall",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("antenna_id", sa.Integer(), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("product", sa.String(length=200), nullable=True),
        sa.Column("lot", sa.String(length=64), nullable=True),
        sa.Column("received_from", sa.Date(), nullable=False),
        sa.Column("received_to", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("received_to >= received_from", name=op.f("ck_recall_recall_days")),
        sa.ForeignKeyConstraint(
            ["antenna_id"], ["antenna.id"], name=op.f("fk_recall_antenna_id_antenna")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["category.id"], name=op.f("fk_recall_category_id_category")
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["member.id"], name=op.f("fk_recall_started_by_id_member")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_recall_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recall")),
    )
    with op.batch_alter_table("recall", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recall_antenna_created", ["antenna_id", "created_at"], unique=False
        )

    op.create_table(
        "recall_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recall_id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("hub_id", sa.Integer(), nullable=True),
        sa.Column("kg", sa.Float(), nullable=False),
        sa.Column("first_received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(length=12), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "answer IS NULL OR answer IN ('seen', 'distributed', 'set_aside')",
            name=op.f("ck_recall_notice_recall_notice_answer"),
        ),
        sa.CheckConstraint(
            "(association_id IS NULL) <> (hub_id IS NULL)",
            name=op.f("ck_recall_notice_recall_notice_destination"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["member.id"], name=op.f("fk_recall_notice_answered_by_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["association.id"],
            name=op.f("fk_recall_notice_association_id_association"),
        ),
        sa.ForeignKeyConstraint(["hub_id"], ["hub.id"], name=op.f("fk_recall_notice_hub_id_hub")),
        sa.ForeignKeyConstraint(
            ["recall_id"], ["recall.id"], name=op.f("fk_recall_notice_recall_id_recall")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recall_notice")),
        sa.UniqueConstraint("recall_id", "association_id", "hub_id", name="uq_recall_notice_place"),
    )
    with op.batch_alter_table("recall_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recall_notice_recall_id"), ["recall_id"], unique=False)
        batch_op.create_index(
            "ix_recall_notice_waiting", ["answered_at", "reminded_at", "escalated_at"], unique=False
        )

    with op.batch_alter_table("association", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("distribution_days", sa.JSON(), nullable=False, server_default="[]")
        )

    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("date_kind", sa.String(length=12), nullable=False, server_default="none")
        )
        batch_op.add_column(
            sa.Column("grace_days", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_check_constraint(
            op.f("ck_category_category_date_kind"),
            "date_kind IN ('use_by', 'best_before', 'none')",
        )
        batch_op.create_check_constraint(
            op.f("ck_category_category_grace_days"), "grace_days >= 0"
        )
    # categories seeded before: chilled food carries a use-by date, frozen a best-before one
    # (config.toml says it per category for a new network; the database is then the truth)
    op.execute("UPDATE category SET date_kind = 'use_by' WHERE cold_chain = 'chilled'")
    op.execute("UPDATE category SET date_kind = 'best_before' WHERE cold_chain = 'frozen'")

    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("chilled_withheld_at", sa.DateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("donation_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("best_before", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("lot", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("donation_item", schema=None) as batch_op:
        batch_op.drop_column("lot")
        batch_op.drop_column("best_before")

    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_column("chilled_withheld_at")

    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_category_category_grace_days"), type_="check")
        batch_op.drop_constraint(op.f("ck_category_category_date_kind"), type_="check")
        batch_op.drop_column("grace_days")
        batch_op.drop_column("date_kind")

    with op.batch_alter_table("association", schema=None) as batch_op:
        batch_op.drop_column("distribution_days")

    with op.batch_alter_table("recall_notice", schema=None) as batch_op:
        batch_op.drop_index("ix_recall_notice_waiting")
        batch_op.drop_index(batch_op.f("ix_recall_notice_recall_id"))

    op.drop_table("recall_notice")
    with op.batch_alter_table("recall", schema=None) as batch_op:
        batch_op.drop_index("ix_recall_antenna_created")

    op.drop_table("recall")
