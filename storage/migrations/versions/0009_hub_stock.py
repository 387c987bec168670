"""Hub stock (lots and their moves), vehicles, the hub staff role (memberships and invitations
for one hub), the hub's morning distribution time, and the coordinates of stores, hubs and
associations for planning tours.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:49:21.427215
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vehicle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("antenna_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("refrigerated", sa.Boolean(), nullable=False),
        sa.Column("capacity_kg", sa.Float(), nullable=False),
        sa.Column("home_hub_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("capacity_kg > 0", name=op.f("ck_vehicle_vehicle_capacity")),
        sa.ForeignKeyConstraint(
            ["antenna_id"], ["antenna.id"], name=op.f("fk_vehicle_antenna_id_antenna")
        ),
        sa.ForeignKeyConstraint(
            ["home_hub_id"], ["hub.id"], name=op.f("fk_vehicle_home_hub_id_hub")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle")),
    )
    with op.batch_alter_table("vehicle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vehicle_antenna_id"), ["antenna_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vehicle_key"), ["key"], unique=True)

    op.create_table(
        "stock_lot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("cold_chain", sa.String(length=8), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("use_by", sa.Date(), nullable=True),
        sa.Column("best_before", sa.Date(), nullable=True),
        sa.Column("lot", sa.String(length=64), nullable=True),
        sa.Column("donation_id", sa.Integer(), nullable=True),
        sa.Column("donation_item_id", sa.Integer(), nullable=True),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_kg", sa.Float(), nullable=False),
        sa.Column("on_hand_kg", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "cold_chain IN ('ambient', 'chilled', 'frozen')", name=op.f("ck_stock_lot_lot_cold")
        ),
        sa.CheckConstraint("on_hand_kg >= 0", name=op.f("ck_stock_lot_stock_lot_on_hand")),
        sa.CheckConstraint("received_kg > 0", name=op.f("ck_stock_lot_stock_lot_received")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["category.id"], name=op.f("fk_stock_lot_category_id_category")
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"], ["delivery.id"], name=op.f("fk_stock_lot_delivery_id_delivery")
        ),
        sa.ForeignKeyConstraint(
            ["donation_id"], ["donation.id"], name=op.f("fk_stock_lot_donation_id_donation")
        ),
        sa.ForeignKeyConstraint(
            ["donation_item_id"],
            ["donation_item.id"],
            name=op.f("fk_stock_lot_donation_item_id_donation_item"),
        ),
        sa.ForeignKeyConstraint(["hub_id"], ["hub.id"], name=op.f("fk_stock_lot_hub_id_hub")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_lot")),
    )
    with op.batch_alter_table("stock_lot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_lot_delivery_id"), ["delivery_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stock_lot_donation_id"), ["donation_id"], unique=False)
        batch_op.create_index("ix_stock_lot_hub_on_hand", ["hub_id", "on_hand_kg"], unique=False)

    op.create_table(
        "stock_move",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("kg", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'loss') = (reason IS NOT NULL) AND "
            "(reason IS NULL OR reason IN ('past_date', 'damaged', 'cold_chain'))",
            name=op.f("ck_stock_move_stock_move_loss_reason"),
        ),
        sa.CheckConstraint(
            "kind = 'count' OR kg > 0", name=op.f("ck_stock_move_stock_move_positive")
        ),
        sa.CheckConstraint(
            "kind IN ('in', 'out', 'loss', 'count')", name=op.f("ck_stock_move_stock_move_kind")
        ),
        sa.CheckConstraint("kg <> 0", name=op.f("ck_stock_move_stock_move_not_zero")),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["association.id"],
            name=op.f("fk_stock_move_association_id_association"),
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["category.id"], name=op.f("fk_stock_move_category_id_category")
        ),
        sa.ForeignKeyConstraint(["hub_id"], ["hub.id"], name=op.f("fk_stock_move_hub_id_hub")),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["stock_lot.id"], name=op.f("fk_stock_move_lot_id_stock_lot")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_stock_move_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_move")),
    )
    with op.batch_alter_table("stock_move", schema=None) as batch_op:
        batch_op.create_index("ix_stock_move_hub_at", ["hub_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_stock_move_lot_id"), ["lot_id"], unique=False)

    with op.batch_alter_table("association", schema=None) as batch_op:
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))

    with op.batch_alter_table("hub", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "distribution_time", sa.String(length=5), nullable=False, server_default="06:00"
            )
        )
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))

    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hub_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_invite_hub_id_hub"), "hub", ["hub_id"], ["id"])
        batch_op.drop_constraint(op.f("ck_invite_invite_role"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_invite_invite_role"),
            "role IN ('coordinator', 'store_manager', 'driver', 'association', 'hub_staff')",
        )

    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hub_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_membership_hub_id_hub"), "hub", ["hub_id"], ["id"]
        )
        batch_op.drop_constraint(op.f("ck_membership_membership_role"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_membership_membership_role"),
            "role IN ('coordinator', 'store_manager', 'driver', 'association', 'hub_staff')",
        )
        batch_op.create_check_constraint(
            op.f("ck_membership_membership_hub"), "(role = 'hub_staff') = (hub_id IS NOT NULL)"
        )

    with op.batch_alter_table("store", schema=None) as batch_op:
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("store", schema=None) as batch_op:
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")

    op.execute("DELETE FROM membership WHERE role = 'hub_staff'")
    op.execute("DELETE FROM invite WHERE role = 'hub_staff'")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_membership_membership_hub"), type_="check")
        batch_op.drop_constraint(op.f("ck_membership_membership_role"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_membership_membership_role"),
            "role IN ('coordinator', 'store_manager', 'driver', 'association')",
        )
        batch_op.drop_constraint(batch_op.f("fk_membership_hub_id_hub"), type_="foreignkey")
        batch_op.drop_column("hub_id")

    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_invite_invite_role"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_invite_invite_role"),
            "role IN ('coordinator', 'store_manager', 'driver', 'association')",
        )
        batch_op.drop_constraint(batch_op.f("fk_invite_hub_id_hub"), type_="foreignkey")
        batch_op.drop_column("hub_id")

    with op.batch_alter_table("hub", schema=None) as batch_op:
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
        batch_op.drop_column("distribution_time")

    with op.batch_alter_table("association", schema=None) as batch_op:
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")

    with op.batch_alter_table("stock_move", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_move_lot_id"))
        batch_op.drop_index("ix_stock_move_hub_at")

    op.drop_table("stock_move")
    with op.batch_alter_table("stock_lot", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_lot_hub_on_hand")
        batch_op.drop_index(batch_op.f("ix_stock_lot_donation_id"))
        batch_op.drop_index(batch_op.f("ix_stock_lot_delivery_id"))

    op.drop_table("stock_lot")
    with op.batch_alter_table("vehicle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vehicle_key"))
        batch_op.drop_index(batch_op.f("ix_vehicle_antenna_id"))

    op.drop_table("vehicle")
