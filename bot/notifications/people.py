"""What the bot tells about people: coordinators about their antenna's people (unreachable,
drivers waiting to join, the group lost), people about their own membership, and the group
about pickups open again when a driver leaves."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import cards, formatting
from bot.callbacks import ApprovalCb
from bot.i18n import N_
from bot.notifications.base import Context, Rendered
from bot.texts import role_label
from logistics.pickups.views import donation_views
from storage.models import Antenna, Association, Hub, Member, Membership, Store


async def member_unreachable(ctx: Context, payload: dict) -> Rendered | None:
    """The coordinators learn that the bot can no longer write to someone."""
    member = await ctx.session.get(Member, int(payload["member_id"]))
    if member is None or not member.unreachable:
        return None  # reachable again meanwhile
    name = escape(member.name or "—")

    def render() -> str:
        return _(
            "⚠️ {name} blocked the bot or left Telegram: the bot can no longer write to them."
        ).format(name=name)

    return Rendered(text=ctx.each(render))


async def member_opened(ctx: Context, payload: dict) -> Rendered | None:
    """The coordinators learn that someone listed in their antenna opened the bot at last:
    the bot can write to them from now on."""
    member = await ctx.session.get(Member, int(payload["member_id"]))
    if member is None or member.telegram_id is None:
        return None  # erased meanwhile
    name = escape(member.name or "—")

    def render() -> str:
        return _("📱 {name} opened the bot: it can write to them from now on.").format(name=name)

    return Rendered(text=ctx.each(render))


def vehicle_line(member: Member) -> str:
    capacity = (
        formatting.kg(member.vehicle_capacity_kg, cards.locale())
        if member.vehicle_capacity_kg
        else "—"
    )
    if member.vehicle_refrigerated:
        return _("Refrigerated vehicle, {capacity}").format(capacity=capacity)
    return _("Vehicle not refrigerated, {capacity}").format(capacity=capacity)


async def driver_pending(ctx: Context, payload: dict) -> Rendered | None:
    """A driver joined through an invitation and waits for a coordinator's approval."""
    membership_id = int(payload["membership_id"])
    membership = await ctx.session.get(Membership, membership_id)
    if membership is None or membership.status != "pending":
        return None  # decided meanwhile
    member = await ctx.session.get(Member, membership.member_id)
    antenna = await ctx.session.get(Antenna, membership.antenna_id)
    name = escape(member.name or "—")
    if member.username:
        name += f" (@{escape(member.username)})"

    def render() -> str:
        lines = [
            _("🚚 {name} wants to join the antenna {antenna} as a driver.").format(
                name=name, antenna=escape(antenna.name)
            ),
            vehicle_line(member),
        ]
        if member.phone:
            lines.append(_("Phone: {phone}").format(phone=escape(member.phone)))
        return "\n".join(lines)

    builder = InlineKeyboardBuilder()
    for action, msgid in (("y", N_("✅ Approve")), ("n", N_("❌ Reject"))):
        builder.button(
            text=ctx.label(msgid),
            callback_data=ApprovalCb(membership_id=membership_id, action=action),
        )
    builder.adjust(2)
    return Rendered(text=ctx.each(render), reply_markup=builder.as_markup())


async def member_joined(ctx: Context, payload: dict) -> Rendered | None:
    """The coordinator who made an invitation learns that it was used."""
    membership = await ctx.session.get(Membership, int(payload["membership_id"]))
    if membership is None or membership.status != "active":
        return None  # suspended or removed meanwhile
    member = await ctx.session.get(Member, membership.member_id)
    antenna = await ctx.session.get(Antenna, membership.antenna_id)
    place = await place_name(ctx, membership)
    name = escape((member.name if member else None) or "—")
    if member is not None and member.username:
        name += f" (@{escape(member.username)})"

    def render() -> str:
        role = role_label(membership.role) + (f" ({escape(place)})" if place else "")
        return _("✅ {name} joined {antenna} as {role}, with your invitation.").format(
            name=name, antenna=escape(antenna.name), role=role
        )

    return Rendered(text=ctx.each(render))


async def place_name(ctx: Context, membership: Membership) -> str | None:
    if membership.store_id is not None:
        store = await ctx.session.get(Store, membership.store_id)
        return store.name if store else None
    if membership.association_id is not None:
        association = await ctx.session.get(Association, membership.association_id)
        return association.name if association else None
    if membership.hub_id is not None:
        hub = await ctx.session.get(Hub, membership.hub_id)
        return hub.name if hub else None
    return None


async def driver_decided(ctx: Context, payload: dict) -> Rendered | None:
    """The driver learns whether a coordinator let them in."""
    membership = await ctx.session.get(Membership, int(payload["membership_id"]))
    if membership is None or membership.status not in ("active", "rejected"):
        return None
    antenna = await ctx.session.get(Antenna, membership.antenna_id)
    approved = membership.status == "active"

    def render() -> str:
        if approved:
            return _(
                "Welcome! You are now a driver of the antenna {antenna}. Send /runs to see "
                "the open pickups."
            ).format(antenna=escape(antenna.name))
        return _(
            "Your request to drive for the antenna {antenna} was not accepted. Ask your "
            "coordinator if you think this is a mistake."
        ).format(antenna=escape(antenna.name))

    return Rendered(text=ctx.each(render))


async def membership_changed(ctx: Context, payload: dict) -> Rendered | None:
    """A coordinator suspended, reactivated, removed or changed a person's role."""
    antenna = await ctx.session.get(Antenna, int(payload["antenna_id"]))
    if antenna is None:
        return None
    action = payload["action"]

    def render() -> str:
        values = {"role": role_label(payload["role"]), "antenna": escape(antenna.name)}
        if action == "suspended":
            text = _("A coordinator suspended your role of {role} in the antenna {antenna}.")
        elif action == "reactivated":
            text = _("Your role of {role} in the antenna {antenna} is active again.")
        elif action == "removed":
            text = _("A coordinator removed your role of {role} in the antenna {antenna}.")
        else:
            text = _("In the antenna {antenna} you are now {role} (instead of {old_role}).")
            values["old_role"] = role_label(payload.get("old_role") or payload["role"])
        return text.format(**values) + "\n" + _("Send /start to see what you can do now.")

    return Rendered(text=ctx.each(render))


async def pickups_reopened(ctx: Context, payload: dict) -> Rendered | None:
    """The group learns that a driver's pickups are open again, to be claimed on their cards."""
    views = await donation_views(ctx.session, [int(i) for i in payload["donation_ids"]])
    still_open = [v for v in views.values() if v.status == "announced"]
    if not still_open:
        return None
    member = await ctx.session.get(Member, int(payload["member_id"]))
    name = escape((member.name if member else None) or "—")
    still_open.sort(key=lambda v: v.window_start)

    def render() -> str:
        lines = [
            _("🔁 {name} can no longer do these pickups: they are open again.").format(name=name)
        ]
        lines += [f"• {escape(v.store_name)} · {cards.window_line(v)}" for v in still_open[:20]]
        lines.append(_("Claim them with the button on their card."))
        return "\n".join(lines)

    return Rendered(text=ctx.each(render))


async def group_lost(ctx: Context, payload: dict) -> Rendered | None:
    """The bot was removed from the antenna's group."""
    antenna = await ctx.session.get(Antenna, int(payload["antenna"]))
    if antenna is None or antenna.group_chat_id is not None:
        return None  # linked again meanwhile

    def render() -> str:
        return _(
            "⚠️ The bot was removed from the group of the antenna {antenna}: run sheets and "
            "announcements no longer reach a group. Add the bot to the group again and send "
            "/linkgroup there."
        ).format(antenna=escape(antenna.name))

    return Rendered(text=ctx.each(render))


RENDERERS = {
    "member_unreachable": member_unreachable,
    "member_opened": member_opened,
    "driver_pending": driver_pending,
    "member_joined": member_joined,
    "driver_decided": driver_decided,
    "membership_changed": membership_changed,
    "pickups_reopened": pickups_reopened,
    "group_lost": group_lost,
}
