"""Tours: a vehicle and a driver doing ordered stops (pickups in the evening, deliveries from
the hub's stock in the morning), and the stock each delivery stop takes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 15:53:51.776518
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tour",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("antenna_id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("driver_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("planned_m", sa.Integer(), nullable=False),
        sa.Column("planned_s", sa.Integer(), nullable=False),
        sa.Column("left_out", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('collection', 'distribution')", name=op.f("ck_tour_tour_kind")
        ),
        sa.CheckConstraint(
            "status IN ('proposed', 'confirmed', 'done', 'cancelled')",
            name=op.f("ck_tour_tour_status"),
        ),
        sa.ForeignKeyConstraint(
            ["antenna_id"], ["antenna.id"], name=op.f("fk_tour_antenna_id_antenna")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["member.id"], name=op.f("fk_tour_created_by_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["driver_id"], ["member.id"], name=op.f("fk_tour_driver_id_member")
        ),
        sa.ForeignKeyConstraint(["hub_id"], ["hub.id"], name=op.f("fk_tour_hub_id_hub")),
        sa.ForeignKeyConstraint(
            ["vehicle_id"], ["vehicle.id"], name=op.f("fk_tour_vehicle_id_vehicle")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tour")),
    )
    with op.batch_alter_table("tour", schema=None) as batch_op:
        batch_op.create_index("ix_tour_antenna_day", ["antenna_id", "service_day"], unique=False)
        batch_op.create_index(batch_op.f("ix_tour_driver_id"), ["driver_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tour_vehicle_id"), ["vehicle_id"], unique=False)

    op.create_table(
        "tour_stop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tour_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("donation_id", sa.Integer(), nullable=True),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("arrival_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("kg", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'done', 'nothing')", name=op.f("ck_tour_stop_tour_stop_status")
        ),
        sa.CheckConstraint(
            "(donation_id IS NULL) <> (association_id IS NULL)",
            name=op.f("ck_tour_stop_tour_stop_place"),
        ),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["association.id"],
            name=op.f("fk_tour_stop_association_id_association"),
        ),
        sa.ForeignKeyConstraint(
            ["donation_id"], ["donation.id"], name=op.f("fk_tour_stop_donation_id_donation")
        ),
        sa.ForeignKeyConstraint(["tour_id"], ["tour.id"], name=op.f("fk_tour_stop_tour_id_tour")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tour_stop")),
        sa.UniqueConstraint("donation_id", name="uq_tour_stop_donation"),
    )
    with op.batch_alter_table("tour_stop", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tour_stop_tour_id"), ["tour_id"], unique=False)

    op.create_table(
        "tour_load",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stop_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("kg", sa.Float(), nullable=False),
        sa.CheckConstraint("kg > 0", name=op.f("ck_tour_load_tour_load_kg")),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["stock_lot.id"], name=op.f("fk_tour_load_lot_id_stock_lot")
        ),
        sa.ForeignKeyConstraint(
            ["stop_id"], ["tour_stop.id"], name=op.f("fk_tour_load_stop_id_tour_stop")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tour_load")),
    )
    with op.batch_alter_table("tour_load", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tour_load_lot_id"), ["lot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tour_load_stop_id"), ["stop_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tour_load", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tour_load_stop_id"))
        batch_op.drop_index(batch_op.f("ix_tour_load_lot_id"))

    op.drop_table("tour_load")
    with op.batch_alter_table("tour_stop", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tour_stop_tour_id"))

    op.drop_table("tour_stop")
    with op.batch_alter_table("tour", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tour_vehicle_id"))
        batch_op.drop_index(batch_op.f("ix_tour_driver_id"))
        batch_op.drop_index("ix_tour_antenna_day")

    op.drop_table("tour")
