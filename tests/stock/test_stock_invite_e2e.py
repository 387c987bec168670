"""Hub staff come in like everyone else, in French and in Dutch: a coordinator invites them for
one hub of the antenna through /invite, the newcomer joins through the link, is welcomed as
hub staff with what they do first, gets /stock in their menu and /help and sees the hub's
stock; /members lists them under their role with their hub, and once suspended they are
refused the stock. Hub staff listed before they ever opened the bot see the stock at /start."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from bot.callbacks import InviteCb, MemberCb
from storage.engine import create_engine, create_session_factory
from storage.models import Hub, Member, Membership
from tests.antenna_day import set_everyone_language
from tests.chat_steps import never_opened
from tests.harness import buttons, running_bot
from tests.stock.stock_world import CLAIRE, HELENE, deliver_to_hub
from tests.stock.test_stock_e2e import WORDS, press, say

NORA = 200040
LINK = re.compile(r"https://t\.me/antenna_test_bot\?start=([A-Za-z0-9_-]+)")
N = "\u202f"
JOINING = {
    "fr": {
        "role": "Magasinier·ère",
        "which": f"Quel hub{N}?",
        "welcome": f"Bienvenue dans Antenne Ixelles-Etterbeek{N}: vous êtes maintenant "
        "magasinier·ère (Hub Exemple Ixelles).",
        "first_step": "/stock montre ce que le hub a en stock",
        "you_are": "magasinier·ère pour Hub Exemple Ixelles (Antenne Ixelles-Etterbeek)",
        "joined": "a rejoint Antenne Ixelles-Etterbeek comme magasinier·ère (Hub Exemple Ixelles)",
        "listed": "Nora · Hub Exemple Ixelles",
        "suspended": "Un·e coordinateur·rice a suspendu votre rôle de magasinier·ère",
    },
    "nl": {
        "role": "Magazijnier",
        "which": "Welke hub?",
        "welcome": "Welkom bij Antenne Ixelles-Etterbeek: je bent nu magazijnier "
        "(Hub Exemple Ixelles).",
        "first_step": "/stock toont wat de hub in voorraad heeft",
        "you_are": "magazijnier voor Hub Exemple Ixelles (Antenne Ixelles-Etterbeek)",
        "joined": "is lid geworden van Antenne Ixelles-Etterbeek als magazijnier "
        "(Hub Exemple Ixelles)",
        "listed": "Nora · Hub Exemple Ixelles",
        "suspended": "Een coördinator heeft je rol van magazijnier",
    },
}
SHARED = (
    "Rejoignez Antenne Ixelles-Etterbeek sur Telegram pour gérer le stock de Hub Exemple Ixelles.",
    "Word lid van Antenne Ixelles-Etterbeek op Telegram om de voorraad van Hub Exemple Ixelles "
    "te beheren.",
)


async def membership_of(database_url: str, telegram_id: int) -> Membership:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = (
            await session.exec(
                select(Membership)
                .join(Member, Member.id == Membership.member_id)
                .where(Member.telegram_id == telegram_id)
            )
        ).one()
        hub = (await session.exec(select(Hub.id).where(Hub.key == "hub-ixelles"))).one()
    await engine.dispose()
    assert found.hub_id == hub
    return found


def menu_of(fake, chat_id: int) -> list[str]:
    """The commands of the person's own menu, as last set."""
    calls = [
        c
        for c in fake.calls("setMyCommands", ok=True)
        if (c.params.get("scope") or {}).get("chat_id") == chat_id
    ]
    assert calls, "no menu of their own"
    return [command["command"] for command in calls[-1].params["commands"]]


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_hub_staff_are_invited_for_a_hub_and_see_its_stock(settings, fake_api, clock, lang):
    words, joining = WORDS[lang], JOINING[lang]
    await deliver_to_hub(settings.database_url, clock.now())
    await set_everyone_language(settings.database_url, lang)
    clock.advance(days=1)
    claire = fake_api.user(CLAIRE, language_code=lang)
    nora = fake_api.user(NORA, first_name="Nora", language_code=lang)
    async with running_bot(settings, clock=clock):
        roles = await say(fake_api, claire, "/invite")
        offered = dict(buttons(roles))
        assert offered[joining["role"]] == InviteCb(antenna_id=1, role="hub_staff").pack()
        _, hubs = await press(fake_api, claire, roles, offered[joining["role"]])
        assert hubs["text"] == joining["which"]
        [(name, data)] = buttons(hubs)
        assert name == "Hub Exemple Ixelles" and InviteCb.unpack(data).place_id
        _, invitation = await press(fake_api, claire, hubs, data)
        token = LINK.search(invitation["text"]).group(1)
        share = invitation["reply_markup"]["inline_keyboard"][0][0]["url"]
        assert parse_qs(urlsplit(share).query)["text"][0] == "\n".join(SHARED)

        welcome = (await say(fake_api, nora, f"/start {token}"))["text"]
        assert joining["welcome"] in welcome and joining["first_step"] in welcome
        assert joining["you_are"] in welcome
        await fake_api.wait_for(lambda: any(joining["joined"] in t for t in fake_api.texts(CLAIRE)))
        assert "stock" in menu_of(fake_api, NORA) and "surplus" not in menu_of(fake_api, NORA)
        helped = (await say(fake_api, nora, "/help"))["text"]
        assert "/stock — " in helped and "/runs" not in helped and "/invite" not in helped
        page = await say(fake_api, nora, "/stock")
        assert page["text"].startswith(words["header"])

        listed = await say(fake_api, claire, "/members")
        assert joining["role"] in listed["text"] and joining["listed"] in listed["text"]
        membership = await membership_of(settings.database_url, NORA)
        suspend = MemberCb(membership_id=membership.id, action="s").pack()
        await press(fake_api, claire, listed, suspend)
        await fake_api.wait_for(
            lambda: any(joining["suspended"] in t for t in fake_api.texts(NORA))
        )
        assert (await say(fake_api, nora, "/stock"))["text"] == words["refusal"]
        notice, _ = await press(fake_api, nora, page, buttons(page)[0][1])
        assert notice == words["refusal"]
    assert (await membership_of(settings.database_url, NORA)).status == "suspended"
    assert fake_api.refused == []


async def test_hub_staff_who_never_opened_the_bot_see_the_stock_at_once(settings, fake_api, clock):
    await deliver_to_hub(settings.database_url, clock.now())
    await never_opened(settings.database_url, HELENE)
    clock.advance(days=1)
    helene = fake_api.user(HELENE, language_code="fr")
    async with running_bot(settings, clock=clock):
        fake_api.send_text(helene, "/start")
        await fake_api.wait_for(
            lambda: any(t.startswith(WORDS["fr"]["header"]) for t in fake_api.texts(HELENE))
        )
        greeting, stock = fake_api.texts(HELENE)[:2]
        assert JOINING["fr"]["you_are"] in greeting
        assert stock.startswith(WORDS["fr"]["header"]) and buttons(fake_api.sent(HELENE)[1])
    assert fake_api.refused == []
