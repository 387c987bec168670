"""/stock through the bot over HTTP, in French and in Dutch: a pickup delivered to the hub is its
stock; the next morning its staff and the coordinator see it by temperature class, oldest date
first, with what passes its date today and tomorrow marked; a loss (with its reason, all of a
lot or the kg typed) and a count go through the buttons into moves, audit lines and a balance
that holds; a count against a figure someone changed meanwhile is refused with the stock shown
again. Everyone else, another hub's staff included, is refused in their language and nothing
changes."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.callbacks import StockCb, StockLossCb, StockLotCb
from logistics.stock.balance import stock_balances
from storage.engine import create_engine, create_session_factory
from storage.models import AuditLog, Member, Membership, StockLot, StockMove
from tests.antenna_day import set_everyone_language
from tests.harness import buttons, running_bot
from tests.invariants import assert_consistent, database_snapshot
from tests.stock.stock_world import (
    CLAIRE,
    HELENE,
    MARC,
    OTHER_STAFF,
    SOFIE,
    add_other_hub,
    deliver_to_hub,
    stock_rows,
)

ANNE, LUCAS, JORIS, STRANGER = 100006, 100007, 100002, 999001
N = "\u202f"
WORDS = {
    "fr": {
        "header": f"📦 Stock de Hub Exemple Ixelles{N}: 51 kg",
        "order": f"La date la plus proche d'abord{N}: premier périmé, premier sorti.",
        "classes": (f"🧊 Surgelé{N}: 5 kg", f"❄️ Frais (réfrigéré){N}: 18 kg", "🥫 Sec (ambiant)"),
        "lines": (
            f"1. Surgelés «{N}5 kg surgelés DDM 20/03 lot Z9{N}» · 5 kg · DDM 20/03 · lot Z9",
            f"2. ⚠️ Produits laitiers «{N}12 kg yaourts DLC 11/03 lot A12{N}» · 12 kg · "
            "DLC 11/03 · lot A12",
            f"3. ⏳ Viande «{N}6 kg viande DLC 12/03{N}» · 6 kg · DLC 12/03",
            f"4. ⛔ Conserves «{N}8 kg conserves DDM 10/03{N}» · 8 kg · DDM 10/03",
            f"5. Pain «{N}20 kg pain{N}» · 20 kg",
        ),
        "legend": "⛔ date dépassée · ⚠️ dernier jour aujourd'hui · ⏳ dernier jour demain",
        "past": f"⛔ Sa date est dépassée{N}: l'enregistrer comme perte{N}?",
        "all": f"Tout{N}: 8 kg",
        "tins_lost": f"🗑 Perte enregistrée{N}: 8 kg de Conserves «{N}8 kg conserves DDM 10/03"
        f"{N}» (date dépassée){N}; il en reste 0 kg.",
        "loss": "🗑 Perte",
        "damaged": "Abîmé",
        "part": "Une partie (tapez les kg)",
        "how_much": f"Combien de kilos en sont perdus (abîmé){N}?",
        "not_a_weight": "Indiquez un poids en kilos",
        "only": "Il n'en reste que 12 kg en stock.",
        "yoghurt_lost": f"🗑 Perte enregistrée{N}: 2,5 kg de Produits laitiers «{N}12 kg yaourts "
        f"DLC 11/03 lot A12{N}» (abîmé){N}; il en reste 9,5 kg.",
        "count": "🔢 Comptage",
        "says": "🔢 Le stock indique 6 kg.",
        "counted": f"🔢 Comptage enregistré{N}: Viande «{N}6 kg viande DLC 12/03{N}», désormais "
        "5,4 kg (le stock indiquait 6 kg).",
        "cold_chain": "Chaîne du froid rompue",
        "moved": f"Quelqu'un a modifié ce lot entre-temps{N}: voici à nouveau le stock.",
        "bread_now": f"Pain «{N}20 kg pain{N}» · 19 kg",
        "refusal": "Le stock d'un hub est réservé à son équipe et aux coordinateur·rices de son "
        "antenne.",
        "empty": f"📦 Stock de Hub Voorbeeld Etterbeek{N}: rien en stock.",
        "no_hub": f"Votre antenne n'a pas encore de hub{N}: il n'y a pas de stock à montrer.",
    },
    "nl": {
        "header": "📦 Voorraad van Hub Exemple Ixelles: 51 kg",
        "order": "Vroegste datum eerst: eerst vervallen, eerst uit.",
        "classes": ("🧊 Diepvries: 5 kg", "❄️ Gekoeld: 18 kg", "🥫 Droog (ambiant)"),
        "lines": (
            "1. Diepvries “5 kg surgelés DDM 20/03 lot Z9” · 5 kg · THT 20/03 · lotnummer Z9",
            "2. ⚠️ Zuivel “12 kg yaourts DLC 11/03 lot A12” · 12 kg · TGT 11/03 · lotnummer A12",
            "3. ⏳ Vlees “6 kg viande DLC 12/03” · 6 kg · TGT 12/03",
            "4. ⛔ Conserven “8 kg conserves DDM 10/03” · 8 kg · THT 10/03",
            "5. Brood “20 kg pain” · 20 kg",
        ),
        "legend": "⛔ datum verstreken · ⚠️ laatste dag vandaag · ⏳ laatste dag morgen",
        "past": "⛔ De datum is verstreken: als verlies boeken?",
        "all": "Alles: 8 kg",
        "tins_lost": "🗑 Verlies geboekt: 8 kg van Conserven “8 kg conserves DDM 10/03” "
        "(datum verstreken); er blijft 0 kg over.",
        "loss": "🗑 Verlies",
        "damaged": "Beschadigd",
        "part": "Een deel (typ de kg)",
        "how_much": "Hoeveel kilo ervan gaat verloren (beschadigd)?",
        "not_a_weight": "Geef een gewicht in kilo",
        "only": "Daarvan is maar 12 kg in voorraad.",
        "yoghurt_lost": "🗑 Verlies geboekt: 2,5 kg van Zuivel “12 kg yaourts DLC 11/03 lot A12” "
        "(beschadigd); er blijft 9,5 kg over.",
        "count": "🔢 Telling",
        "says": "🔢 De voorraad zegt 6 kg.",
        "counted": "🔢 Telling geboekt: Vlees “6 kg viande DLC 12/03” nu 5,4 kg (de voorraad "
        "zei 6 kg).",
        "cold_chain": "Koudeketen onderbroken",
        "moved": "Iemand heeft dit lot intussen gewijzigd: hier is de voorraad opnieuw.",
        "bread_now": "Brood “20 kg pain” · 19 kg",
        "refusal": "De voorraad van een hub is voor de hubploeg en de coördinatoren van de "
        "antenne.",
        "empty": "📦 Voorraad van Hub Voorbeeld Etterbeek: niets in voorraad.",
        "no_hub": "Je antenne heeft nog geen hub: er is geen voorraad om te tonen.",
    },
}


async def say(fake, user, text: str) -> dict:
    """Send a text; the bot's newest message to the person once it has answered."""
    fake.send_text(user, text)
    await fake.wait_for(method="sendMessage", chat_id=user["id"])
    await fake.wait_idle()
    return fake.last_message(user["id"])


async def press(fake, user, message: dict, data: str) -> tuple[str, dict]:
    """Press a button of this message: the button's notice, and the message as it is then."""
    fake.press_button(user, message, data)
    answer = (await fake.wait_for(method="answerCallbackQuery"))[-1]
    await fake.wait_idle()
    return answer.params.get("text", ""), fake.message(message["chat"]["id"], message["message_id"])


def button(message: dict, label: str) -> str:
    """The data of the button with this label (exactly, or starting with it)."""
    found = [data for text, data in buttons(message) if text == label or text.startswith(label)]
    assert found, (label, buttons(message))
    return found[0]


def lot_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line[:1].isdigit()]


async def moves(database_url: str) -> list[tuple]:
    """(kind, kg, reason, who) of every move but the lots coming in, in order."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = await session.exec(
            select(StockMove, Member.telegram_id)
            .join(Member, col(Member.id) == StockMove.member_id)
            .where(StockMove.kind != "in")
            .order_by(col(StockMove.id))
        )
        result = [(m.kind, round(m.kg, 2), m.reason, who) for m, who in found.all()]
        balances = await stock_balances(session)
    await engine.dispose()
    assert balances and all(b.holds for b in balances), balances
    return result


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_the_stock_first_expired_first_out_and_its_moves(settings, fake_api, clock, lang):
    words = WORDS[lang]
    await deliver_to_hub(settings.database_url, clock.now())
    await set_everyone_language(settings.database_url, lang)
    clock.advance(days=1)  # Wednesday: the yoghurts' last day, the meat's tomorrow
    helene = fake_api.user(HELENE, language_code=lang)
    claire = fake_api.user(CLAIRE, language_code=lang)
    async with running_bot(settings, clock=clock):
        page = await say(fake_api, helene, "/stock")
        text = page["text"]
        assert text.startswith(words["header"]) and words["order"] in text
        assert lot_lines(text) == list(words["lines"])
        positions = [text.index(heading) for heading in words["classes"]]
        assert positions == sorted(positions) and words["legend"] in text
        assert [label for label, _ in buttons(page)][:5] == ["1", "⚠️ 2", "⏳ 3", "⛔ 4", "5"]
        assert (await say(fake_api, claire, "/stock"))["text"] == text

        # the tins past their date: the loss is suggested first, all of the lot is recorded
        _, card = await press(fake_api, helene, page, button(page, "⛔ 4"))
        assert words["past"] in card["text"]
        assert StockLossCb.unpack(buttons(card)[0][1]).reason == "past_date"
        _, card = await press(fake_api, helene, card, buttons(card)[0][1])
        notice, page = await press(fake_api, helene, card, button(card, words["all"]))
        assert notice == words["tins_lost"]
        assert page["text"].startswith(words["tins_lost"])
        assert not any("Conserv" in line for line in lot_lines(page["text"]))

        # part of the yoghurts damaged: the kg typed, a wrong answer asked again
        _, card = await press(fake_api, helene, page, button(page, "⚠️ 2"))
        _, card = await press(fake_api, helene, card, button(card, words["loss"]))
        _, card = await press(fake_api, helene, card, button(card, words["damaged"]))
        _, question = await press(fake_api, helene, card, button(card, words["part"]))
        assert words["how_much"] in question["text"]
        answer = (await say(fake_api, helene, "beaucoup"))["text"]
        assert words["not_a_weight"] in answer and words["how_much"] in answer
        answer = (await say(fake_api, helene, "50"))["text"]
        assert words["only"] in answer and words["how_much"] in answer
        page = await say(fake_api, helene, "2,5")
        assert page["text"].startswith(words["yoghurt_lost"])
        assert await moves(settings.database_url) == [
            ("loss", 8.0, "past_date", HELENE),
            ("loss", 2.5, "damaged", HELENE),
        ]

        # the coordinator counts the meat: 5,4 kg where the stock said 6
        mine = fake_api.last_message(CLAIRE)
        _, card = await press(fake_api, claire, mine, button(mine, "⏳ 3"))
        _, question = await press(fake_api, claire, card, button(card, words["count"]))
        assert words["says"] in question["text"]
        assert (await say(fake_api, claire, "5,4"))["text"].startswith(words["counted"])

        # Hélène counts the bread while Claire records 1 kg of it lost: her count is refused
        _, card = await press(fake_api, helene, page, button(page, "4"))
        _, question = await press(fake_api, helene, card, button(card, words["count"]))
        assert "20 kg" in question["text"]  # the figure her count is checked against
        mine = await say(fake_api, claire, "/stock")
        _, card = await press(fake_api, claire, mine, button(mine, "4"))
        _, card = await press(fake_api, claire, card, button(card, words["loss"]))
        _, card = await press(fake_api, claire, card, button(card, words["cold_chain"]))
        await press(fake_api, claire, card, button(card, words["part"]))
        await say(fake_api, claire, "1")
        page = await say(fake_api, helene, "19")
        assert page["text"].startswith(words["moved"])
        assert words["bread_now"] in page["text"]
    assert await moves(settings.database_url) == [
        ("loss", 8.0, "past_date", HELENE),
        ("loss", 2.5, "damaged", HELENE),
        ("count", -0.6, None, CLAIRE),
        ("loss", 1.0, "cold_chain", CLAIRE),
    ]
    lots = await stock_rows(settings.database_url, StockLot)
    assert sorted(lot.on_hand_kg for lot in lots) == [0.0, 5.0, 5.4, 9.5, 19.0]
    audit = [
        a for a in await stock_rows(settings.database_url, AuditLog) if a.entity == "stock_lot"
    ]
    assert [a.action for a in audit if a.action != "stock.in"] == [
        "stock.loss",
        "stock.loss",
        "stock.count",
        "stock.loss",
    ]
    assert fake_api.refused == []
    await assert_consistent(settings.database_url)


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_nobody_else_sees_or_moves_the_stock(settings, fake_api, clock, lang):
    """A driver, a store manager, an association, a stranger, a suspended driver, the other
    antenna's coordinator and the staff of another hub of the antenna."""
    words = WORDS[lang]
    await deliver_to_hub(settings.database_url, clock.now())
    engine = create_engine(settings.database_url)
    async with create_session_factory(engine)() as session:
        await add_other_hub(session, clock.now())
        lucas = select(Member.id).where(Member.telegram_id == LUCAS).scalar_subquery()
        await session.exec(
            update(Membership).where(col(Membership.member_id) == lucas).values(status="suspended")
        )
        await session.commit()
    await engine.dispose()
    await set_everyone_language(settings.database_url, lang)
    clock.advance(days=1)
    helene = fake_api.user(HELENE, language_code=lang)
    async with running_bot(settings, clock=clock):
        page = await say(fake_api, helene, "/stock")
        lot = StockLotCb.unpack(button(page, "5")).lot_id
        hub = StockCb.unpack(buttons(page)[-1][1]).hub_id
        pressed = [
            StockCb(hub_id=hub).pack(),
            StockLotCb(lot_id=lot).pack(),
            StockLotCb(lot_id=lot, action="c").pack(),
            StockLossCb(lot_id=lot, reason="damaged").pack(),
            StockLossCb(lot_id=lot, reason="damaged", amount="all").pack(),
        ]
        before = await database_snapshot(settings.database_url)
        for who in (SOFIE, MARC, ANNE, STRANGER, LUCAS, JORIS, OTHER_STAFF):
            person = fake_api.user(who, language_code=lang)
            said = (await say(fake_api, person, "/stock"))["text"]
            expected = {JORIS: words["no_hub"], OTHER_STAFF: words["empty"]}
            assert said == expected.get(who, words["refusal"]), who
            for data in pressed:
                notice, _ = await press(fake_api, person, fake_api.last_message(who), data)
                assert notice == words["refusal"], (who, data)
            await say(fake_api, person, "12")  # no step was opened for them: nothing recorded
        assert await database_snapshot(settings.database_url) == before
    assert fake_api.refused == []
    await assert_consistent(settings.database_url)
