"""Initial schema: every table of storage.models.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 14:40:15.204527
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "antenna",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("communes", sa.JSON(), nullable=False),
        sa.Column("group_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("group_languages", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("run_sheet_time", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("summary_time", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("max_claims_per_day", sa.Integer(), nullable=True),
        sa.Column("max_claims_per_week", sa.Integer(), nullable=True),
        sa.Column("cap_lift_hours", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint("cap_lift_hours >= 0", name=op.f("ck_antenna_antenna_cap_lift")),
        sa.CheckConstraint(
            "max_claims_per_day IS NULL OR max_claims_per_day > 0",
            name=op.f("ck_antenna_antenna_cap_day"),
        ),
        sa.CheckConstraint(
            "max_claims_per_week IS NULL OR max_claims_per_week > 0",
            name=op.f("ck_antenna_antenna_cap_week"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_antenna")),
        sa.UniqueConstraint("group_chat_id", name=op.f("uq_antenna_group_chat_id")),
    )
    op.create_index(op.f("ix_antenna_key"), "antenna", ["key"], unique=True)

    op.create_table(
        "category",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name_fr", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("name_nl", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("synonyms_fr", sa.JSON(), nullable=False),
        sa.Column("synonyms_nl", sa.JSON(), nullable=False),
        sa.Column("cold_chain", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("kg_per_crate", sa.Float(), nullable=True),
        sa.Column("kg_per_piece", sa.Float(), nullable=True),
        sa.Column("kg_per_pallet", sa.Float(), nullable=True),
        sa.Column("kg_per_litre", sa.Float(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "cold_chain IN ('ambient', 'chilled', 'frozen')",
            name=op.f("ck_category_category_cold_chain"),
        ),
        sa.CheckConstraint(
            "kg_per_crate IS NULL OR kg_per_crate > 0", name=op.f("ck_category_category_kg_crate")
        ),
        sa.CheckConstraint(
            "kg_per_litre IS NULL OR kg_per_litre > 0", name=op.f("ck_category_category_kg_litre")
        ),
        sa.CheckConstraint(
            "kg_per_pallet IS NULL OR kg_per_pallet > 0",
            name=op.f("ck_category_category_kg_pallet"),
        ),
        sa.CheckConstraint(
            "kg_per_piece IS NULL OR kg_per_piece > 0", name=op.f("ck_category_category_kg_piece")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category")),
    )
    op.create_index(op.f("ix_category_key"), "category", ["key"], unique=True)

    op.create_table(
        "fsm_record",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_fsm_record")),
    )
    op.create_table(
        "member",
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
        sa.Column("vehicle_refrigerated", sa.Boolean(), nullable=False),
        sa.Column("vehicle_capacity_kg", sa.Float(), nullable=True),
        sa.Column("unreachable", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "language IS NULL OR language IN ('fr', 'nl')", name=op.f("ck_member_member_language")
        ),
        sa.CheckConstraint(
            "vehicle_capacity_kg IS NULL OR vehicle_capacity_kg > 0",
            name=op.f("ck_member_member_capacity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member")),
    )
    op.create_index(op.f("ix_member_telegram_id"), "member", ["telegram_id"], unique=True)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed', 'unreachable')",
            name=op.f("ck_outbox_outbox_status"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_outbox_attempts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "processed_update",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_update")),
    )
    op.create_table(
        "association",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("antenna_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("beneficiaries", sa.Integer(), nullable=False),
        sa.Column("cold_storage", sa.Boolean(), nullable=False),
        sa.Column("reception_hours", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "beneficiaries >= 0", name=op.f("ck_association_association_beneficiaries")
        ),
        sa.ForeignKeyConstraint(
            ["antenna_id"], ["antenna.id"], name=op.f("fk_association_antenna_id_antenna")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_association")),
    )
    op.create_index(op.f("ix_association_antenna_id"), "association", ["antenna_id"], unique=False)
    op.create_index(op.f("ix_association_key"), "association", ["key"], unique=True)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("on_behalf_of_id", sa.Integer(), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["member.id"], name=op.f("fk_audit_log_actor_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["on_behalf_of_id"], ["member.id"], name=op.f("fk_audit_log_on_behalf_of_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_entity", "audit_log", ["entity", "entity_id"], unique=False)

    op.create_table(
        "broadcast_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("antenna_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["antenna_id"], ["antenna.id"], name=op.f("fk_broadcast_log_antenna_id_antenna")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_log")),
        sa.UniqueConstraint("antenna_id", "day", "kind", name="uq_broadcast"),
    )
    op.create_table(
        "hub",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("antenna_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("cold_storage", sa.Boolean(), nullable=False),
        sa.Column("reception_hours", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["antenna_id"], ["antenna.id"], name=op.f("fk_hub_antenna_id_antenna")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub")),
    )
    op.create_index(op.f("ix_hub_antenna_id"), "hub", ["antenna_id"], unique=False)
    op.create_index(op.f("ix_hub_key"), "hub", ["key"], unique=True)

    op.create_table(
        "store",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("antenna_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("window_start", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("window_end", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["antenna_id"], ["antenna.id"], name=op.f("fk_store_antenna_id_antenna")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store")),
    )
    op.create_index(op.f("ix_store_antenna_id"), "store", ["antenna_id"], unique=False)
    op.create_index(op.f("ix_store_key"), "store", ["key"], unique=True)

    op.create_table(
        "invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("antenna_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "role IN ('coordinator', 'store_manager', 'driver', 'association')",
            name=op.f("ck_invite_invite_role"),
        ),
        sa.ForeignKeyConstraint(
            ["antenna_id"], ["antenna.id"], name=op.f("fk_invite_antenna_id_antenna")
        ),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["association.id"],
            name=op.f("fk_invite_association_id_association"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["member.id"], name=op.f("fk_invite_created_by_id_member")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_invite_store_id_store")),
        sa.ForeignKeyConstraint(
            ["used_by_id"], ["member.id"], name=op.f("fk_invite_used_by_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite")),
    )
    op.create_index(op.f("ix_invite_antenna_id"), "invite", ["antenna_id"], unique=False)
    op.create_index(op.f("ix_invite_token_hash"), "invite", ["token_hash"], unique=True)

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("antenna_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(role = 'association') = (association_id IS NOT NULL)",
            name=op.f("ck_membership_membership_association"),
        ),
        sa.CheckConstraint(
            "(role = 'store_manager') = (store_id IS NOT NULL)",
            name=op.f("ck_membership_membership_store"),
        ),
        sa.CheckConstraint(
            "role IN ('coordinator', 'store_manager', 'driver', 'association')",
            name=op.f("ck_membership_membership_role"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'active', 'suspended', 'rejected')",
            name=op.f("ck_membership_membership_status"),
        ),
        sa.ForeignKeyConstraint(
            ["antenna_id"], ["antenna.id"], name=op.f("fk_membership_antenna_id_antenna")
        ),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["association.id"],
            name=op.f("fk_membership_association_id_association"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_membership_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_membership_store_id_store")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
        sa.UniqueConstraint(
            "member_id", "antenna_id", "role", "store_id", "association_id", name="uq_membership"
        ),
    )
    op.create_index(op.f("ix_membership_antenna_id"), "membership", ["antenna_id"], unique=False)
    op.create_index(op.f("ix_membership_member_id"), "membership", ["member_id"], unique=False)

    op.create_table(
        "recurring_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("window_start", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("window_end", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("standing_driver_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_recurring_slot_slot_weekday")),
        sa.ForeignKeyConstraint(
            ["standing_driver_id"],
            ["member.id"],
            name=op.f("fk_recurring_slot_standing_driver_id_member"),
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_recurring_slot_store_id_store")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_slot")),
        sa.UniqueConstraint("store_id", "weekday", "window_start", name="uq_slot"),
    )
    op.create_index(
        op.f("ix_recurring_slot_store_id"), "recurring_slot", ["store_id"], unique=False
    )

    op.create_table(
        "donation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("antenna_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=True),
        sa.Column("recurring_slot_id", sa.Integer(), nullable=True),
        sa.Column("announced_by_id", sa.Integer(), nullable=True),
        sa.Column("raw_text", sqlmodel.sql.sqltypes.AutoString(length=4096), nullable=True),
        sa.Column("estimated_kg", sa.Float(), nullable=False),
        sa.Column("collected_kg", sa.Float(), nullable=True),
        sa.Column("zero_reason", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("group_message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'announced', 'claimed', 'picked_up', 'delivered', 'received', 'cancelled', 'expired', 'missed')",
            name=op.f("ck_donation_donation_status"),
        ),
        sa.CheckConstraint(
            "zero_reason IS NULL OR zero_reason IN ('no_food', 'store_closed', 'did_not_happen')",
            name=op.f("ck_donation_donation_zero"),
        ),
        sa.CheckConstraint(
            "collected_kg IS NULL OR collected_kg >= 0", name=op.f("ck_donation_donation_collected")
        ),
        sa.CheckConstraint("estimated_kg >= 0", name=op.f("ck_donation_donation_estimated")),
        sa.CheckConstraint("window_end > window_start", name=op.f("ck_donation_donation_window")),
        sa.ForeignKeyConstraint(
            ["announced_by_id"], ["member.id"], name=op.f("fk_donation_announced_by_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["antenna_id"], ["antenna.id"], name=op.f("fk_donation_antenna_id_antenna")
        ),
        sa.ForeignKeyConstraint(
            ["recurring_slot_id"],
            ["recurring_slot.id"],
            name=op.f("fk_donation_recurring_slot_id_recurring_slot"),
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_donation_store_id_store")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donation")),
        sa.UniqueConstraint("recurring_slot_id", "service_day", name="uq_donation_slot_day"),
    )
    op.create_index(
        "ix_donation_antenna_window", "donation", ["antenna_id", "window_start"], unique=False
    )
    op.create_index(
        "ix_donation_status_window", "donation", ["status", "window_start"], unique=False
    )
    op.create_index(op.f("ix_donation_store_id"), "donation", ["store_id"], unique=False)

    op.create_table(
        "claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("donation_id", sa.Integer(), nullable=False),
        sa.Column("driver_id", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("late_release", sa.Boolean(), nullable=False),
        sa.Column("on_behalf_of_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["donation_id"], ["donation.id"], name=op.f("fk_claim_donation_id_donation")
        ),
        sa.ForeignKeyConstraint(
            ["driver_id"], ["member.id"], name=op.f("fk_claim_driver_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["on_behalf_of_id"], ["member.id"], name=op.f("fk_claim_on_behalf_of_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim")),
    )
    op.create_index(op.f("ix_claim_donation_id"), "claim", ["donation_id"], unique=False)
    op.create_index("ix_claim_driver", "claim", ["driver_id", "claimed_at"], unique=False)
    op.create_index(
        "uq_claim_active",
        "claim",
        ["donation_id"],
        unique=True,
        sqlite_where=sa.text("released_at IS NULL"),
        postgresql_where=sa.text("released_at IS NULL"),
    )

    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("donation_id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=True),
        sa.Column("hub_id", sa.Integer(), nullable=True),
        sa.Column("planned_kg", sa.Float(), nullable=True),
        sa.Column("delivered_kg", sa.Float(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overridden_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(association_id IS NULL) <> (hub_id IS NULL)",
            name=op.f("ck_delivery_delivery_destination"),
        ),
        sa.CheckConstraint(
            "delivered_kg IS NULL OR delivered_kg >= 0", name=op.f("ck_delivery_delivery_delivered")
        ),
        sa.CheckConstraint(
            "planned_kg IS NULL OR planned_kg >= 0", name=op.f("ck_delivery_delivery_planned")
        ),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["association.id"],
            name=op.f("fk_delivery_association_id_association"),
        ),
        sa.ForeignKeyConstraint(
            ["donation_id"], ["donation.id"], name=op.f("fk_delivery_donation_id_donation")
        ),
        sa.ForeignKeyConstraint(["hub_id"], ["hub.id"], name=op.f("fk_delivery_hub_id_hub")),
        sa.ForeignKeyConstraint(
            ["overridden_by_id"], ["member.id"], name=op.f("fk_delivery_overridden_by_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
    )
    op.create_index(
        op.f("ix_delivery_association_id"), "delivery", ["association_id"], unique=False
    )
    op.create_index(op.f("ix_delivery_donation_id"), "delivery", ["donation_id"], unique=False)

    op.create_table(
        "donation_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("donation_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("cold_chain", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("estimated_kg", sa.Float(), nullable=False),
        sa.Column("collected_kg", sa.Float(), nullable=True),
        sa.Column("use_by", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "cold_chain IN ('ambient', 'chilled', 'frozen')",
            name=op.f("ck_donation_item_item_cold_chain"),
        ),
        sa.CheckConstraint(
            "unit IN ('kg', 'crate', 'piece', 'pallet', 'litre')",
            name=op.f("ck_donation_item_item_unit"),
        ),
        sa.CheckConstraint(
            "collected_kg IS NULL OR collected_kg >= 0",
            name=op.f("ck_donation_item_item_collected"),
        ),
        sa.CheckConstraint("estimated_kg >= 0", name=op.f("ck_donation_item_item_estimated")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_donation_item_item_quantity")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["category.id"], name=op.f("fk_donation_item_category_id_category")
        ),
        sa.ForeignKeyConstraint(
            ["donation_id"], ["donation.id"], name=op.f("fk_donation_item_donation_id_donation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donation_item")),
    )
    op.create_index(
        op.f("ix_donation_item_category_id"), "donation_item", ["category_id"], unique=False
    )
    op.create_index(
        op.f("ix_donation_item_donation_id"), "donation_item", ["donation_id"], unique=False
    )

    op.create_table(
        "receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("received_kg", sa.Float(), nullable=True),
        sa.Column("problem", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'confirmed', 'disputed')", name=op.f("ck_receipt_receipt_status")
        ),
        sa.CheckConstraint(
            "received_kg IS NULL OR received_kg >= 0", name=op.f("ck_receipt_receipt_kg")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["member.id"], name=op.f("fk_receipt_confirmed_by_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"], ["delivery.id"], name=op.f("fk_receipt_delivery_id_delivery")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt")),
        sa.UniqueConstraint("delivery_id", name=op.f("uq_receipt_delivery_id")),
    )


def downgrade() -> None:
    op.drop_table("receipt")

    op.drop_index(op.f("ix_donation_item_donation_id"), table_name="donation_item")
    op.drop_index(op.f("ix_donation_item_category_id"), table_name="donation_item")
    op.drop_table("donation_item")

    op.drop_index(op.f("ix_delivery_donation_id"), table_name="delivery")
    op.drop_index(op.f("ix_delivery_association_id"), table_name="delivery")
    op.drop_table("delivery")

    op.drop_index(
        "uq_claim_active",
        table_name="claim",
        sqlite_where=sa.text("released_at IS NULL"),
        postgresql_where=sa.text("released_at IS NULL"),
    )
    op.drop_index("ix_claim_driver", table_name="claim")
    op.drop_index(op.f("ix_claim_donation_id"), table_name="claim")
    op.drop_table("claim")

    op.drop_index(op.f("ix_donation_store_id"), table_name="donation")
    op.drop_index("ix_donation_status_window", table_name="donation")
    op.drop_index("ix_donation_antenna_window", table_name="donation")
    op.drop_table("donation")

    op.drop_index(op.f("ix_recurring_slot_store_id"), table_name="recurring_slot")
    op.drop_table("recurring_slot")

    op.drop_index(op.f("ix_membership_member_id"), table_name="membership")
    op.drop_index(op.f("ix_membership_antenna_id"), table_name="membership")
    op.drop_table("membership")

    op.drop_index(op.f("ix_invite_token_hash"), table_name="invite")
    op.drop_index(op.f("ix_invite_antenna_id"), table_name="invite")
    op.drop_table("invite")

    op.drop_index(op.f("ix_store_key"), table_name="store")
    op.drop_index(op.f("ix_store_antenna_id"), table_name="store")
    op.drop_table("store")

    op.drop_index(op.f("ix_hub_key"), table_name="hub")
    op.drop_index(op.f("ix_hub_antenna_id"), table_name="hub")
    op.drop_table("hub")

    op.drop_table("broadcast_log")

    op.drop_index("ix_audit_entity", table_name="audit_log")
    op.drop_table("audit_log")

    op.drop_index(op.f("ix_association_key"), table_name="association")
    op.drop_index(op.f("ix_association_antenna_id"), table_name="association")
    op.drop_table("association")

    op.drop_table("processed_update")

    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")

    op.drop_index(op.f("ix_member_telegram_id"), table_name="member")
    op.drop_table("member")

    op.drop_table("fsm_record")

    op.drop_index(op.f("ix_category_key"), table_name="category")
    op.drop_table("category")

    op.drop_index(op.f("ix_antenna_key"), table_name="antenna")
    op.drop_table("antenna")
