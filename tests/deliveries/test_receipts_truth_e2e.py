"""A day with one stop received with another weight and one received too warm, through the
bot over HTTP, in French and in Dutch: the group card and the coordinator's alerts show each
stop's true figures and never a green check on them; the delivered total is the sum of the
stops, beside the collected one; weights wait for the pickup window; the coordinator settles
both disputes from the alert's buttons, which refuse everyone else; "lost" food leaves the
delivered tonnage of the card, the report and the summary."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.callbacks import AnnounceCb, DeliverCb, PickupCb, ProblemCb, ReceiptCb, SettleCb
from logistics.broadcasts.summary import summary
from logistics.reports.monthly import Factors, monthly_report
from logistics.reports.periods import Month
from storage.engine import create_engine, create_session_factory
from storage.models import Association, AuditLog, Delivery, Member, Receipt
from tests.antenna_day import button_data, last_with_button, set_everyone_language
from tests.harness import running_bot
from tests.people.test_invites import DEPUTY, add_suspended_coordinator

GROUP = -1001000000001  # the Ixelles antenna's group (French and Dutch)
MARC, SOFIE, CLAIRE, JORIS, ANNE, PIETER = 100003, 100004, 100001, 100002, 100006, 100008
STRANGER = 999001
EPICERIE, RESTO = "Épicerie sociale Exemple Ixelles", "Restaurant social Exemple Etterbeek"

WORDS = {
    "fr": {
        "announce": "/surplus 20 kg pain, 12 kg légumes 18h-19h30",
        "not_open": "Le créneau de collecte s'ouvre mardi 10 mars à",
        "too_warm": "trop chaud (chaîne du froid rompue)",
        "note": "Les yaourts étaient à 12 °C",
        "thanks": "Merci\u202f: le ou la coordinateur·rice est prévenu·e de ce qui",
        "problem_line": "⚠️ {place}\u202f: {kg} livrés\u202f; problème\u202f: trop chaud "
        "(chaîne du froid "
        "rompue) (Les yaourts étaient à 12 °C)",
        "weight_line": "⚠️ {place}\u202f: {kg} livrés, 10 kg reçus",
        "delivered": "Livré\u202f: 58 kg (collecté\u202f: 58,5 kg)",
        "total": "Livré\u202f: 58 kg (collecté\u202f: 58,5 kg)\u202f; 2 réceptions contestées",
        "alert_weight": "⚠️ {place} a reçu 10 kg au lieu de {kg}.",
        "alert_problem": "⚠️ {place} signale un problème avec {kg} livrés\u202f: trop chaud",
        "not_yours": "Ce n'est pas à vous de le faire",
        "again": "C'était déjà enregistré.",
        "first": ("association", "Réglé\u202f: le chiffre de l'association, {kg}, est retenu."),
        "settled_line": "réglé\u202f: le chiffre de l'association, {kg}",
        "lost_line": "réglé\u202f: {kg} enregistrés comme perte",
        "after": "☑️ Livré\u202f: {kg} (collecté\u202f: 58,5 kg)\u202f; "
        "les contestations sont réglées",
        "history": (
            "réception contestée — par Anne Exemple — problème\u202f: trop chaud",
            "Les yaourts étaient à 12 °C",
            "réception contestée — par Pieter Voorbeeld — 10 kg reçus",
            "contestation réglée — par Claire Exemple — "
            "chiffre de l'association retenu\u202f: {kg}",
            "contestation réglée — par Claire Exemple — {lost} enregistrés comme perte",
        ),
    },
    "nl": {
        "announce": "/surplus 20 kg brood, groenten 12 kg 18u-19u30",
        "not_open": "Het ophaalmoment begint dinsdag 10 maart om",
        "too_warm": "te warm (koudeketen onderbroken)",
        "note": "De yoghurt was 12 °C",
        "thanks": "Bedankt: de coördinator weet nu wat er gebeurd is",
        "problem_line": "⚠️ {place}: {kg} geleverd; probleem: te warm (koudeketen onderbroken) "
        "(De yoghurt was 12 °C)",
        "weight_line": "⚠️ {place}: {kg} geleverd, 10 kg ontvangen",
        "delivered": "Geleverd: 58 kg (opgehaald: 58,5 kg)",
        "total": "Geleverd: 58 kg (opgehaald: 58,5 kg); 2 ontvangsten betwist",
        "alert_weight": "⚠️ {place} ontving 10 kg in plaats van {kg}.",
        "alert_problem": "⚠️ {place} meldt een probleem met {kg} geleverd: te warm",
        "not_yours": "Dat is niet aan jou",
        "again": "Dat was al geregistreerd.",
        "first": ("driver", "Geregeld: het cijfer van de chauffeur, {kg}, blijft behouden."),
        "settled_line": "geregeld: het cijfer van de chauffeur, {kg}",
        "lost_line": "geregeld: {kg} als verlies geboekt",
        "after": "☑️ Geleverd: {kg} (opgehaald: 58,5 kg); de betwistingen zijn geregeld",
        "history": (
            "ontvangst betwist — door Anne Exemple — probleem: te warm",
            "De yoghurt was 12 °C",
            "ontvangst betwist — door Pieter Voorbeeld — 10 kg ontvangen",
            "betwisting geregeld — door Claire Exemple — cijfer van de chauffeur behouden: {kg}",
            "betwisting geregeld — door Claire Exemple — {lost} als verlies geboekt",
        ),
    },
}


async def prepare(database_url: str, lang: str, now) -> None:
    """Everyone speaks ``lang``; Sofie has a Telegram username; Ixelles has a suspended
    coordinator."""
    await set_everyone_language(database_url, lang)
    await add_suspended_coordinator(database_url, now)
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        await session.exec(
            update(Member).where(Member.telegram_id == SOFIE).values(username="sofie_rijdt")
        )
        await session.exec(update(Member).values(language=lang))
        await session.commit()
    await engine.dispose()


async def stops(database_url: str) -> dict[str, tuple[int, float | None, str | None]]:
    """Per association: (delivery id, delivered kg, settlement)."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        found = (
            await session.exec(
                select(Association.name, Delivery.id, Delivery.delivered_kg, Receipt.settlement)
                .join(Delivery, col(Delivery.association_id) == Association.id)
                .outerjoin(Receipt, col(Receipt.delivery_id) == Delivery.id)
            )
        ).all()
    await engine.dispose()
    return {name: (delivery_id, kg, settled) for name, delivery_id, kg, settled in found}


async def settlements_audited(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        lines = (
            await session.exec(
                select(AuditLog).where(AuditLog.action == "receipt.settled").order_by(AuditLog.id)
            )
        ).all()
    await engine.dispose()
    return [line.detail["outcome"] for line in lines]


async def tonnage(database_url: str, day) -> tuple[float, float, float]:
    """The month's kg in the report, the kg of the evening summary, and the kg delivered to
    the Etterbeek restaurant in the report."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        antenna_id = (
            await session.exec(select(Association.antenna_id).where(Association.name == RESTO))
        ).one()
        report = await monthly_report(
            session,
            antenna_ids=[antenna_id],
            month=Month(2026, 3),
            factors=Factors(meals_per_kg=2.0, co2e_kg_per_kg=2.5),
            now=datetime.combine(day, time(12), tzinfo=UTC),
        )
        today = await summary(session, antenna_id=antenna_id, day=day)
    await engine.dispose()
    resto = next(d.delivered_kg for d in report.destinations if d.name == RESTO)
    return report.kg, today.today_kg, resto


def links(message: dict) -> set[str]:
    return {e["url"] for e in message.get("entities", []) if e["type"] == "text_link"}


def lines_about(text: str, place: str) -> list[str]:
    return [line for line in text.splitlines() if place in line]


@pytest.mark.parametrize("lang", ["fr", "nl"])
async def test_disputed_stops_tell_the_truth_and_are_settled(settings, fake_api, clock, lang):
    words = WORDS[lang]
    await prepare(settings.database_url, lang, clock.now())
    fake_api.group(GROUP, title="Antenne Ixelles-Etterbeek")
    people = {
        tid: fake_api.user(tid, first_name=name, language_code=lang)
        for tid, name in [
            (MARC, "Marc"),
            (SOFIE, "Sofie"),
            (CLAIRE, "Claire"),
            (JORIS, "Joris"),
            (ANNE, "Anne"),
            (PIETER, "Pieter"),
            (STRANGER, "Stranger"),
            (DEPUTY, "Deputy"),
        ]
    }
    fake_api.user(100007, language_code=lang)  # Lucas, the other driver, gets the offer

    async def press(tid: int, message: dict, data: str) -> str:
        answers = len(fake_api.calls("answerCallbackQuery"))
        fake_api.press_button(people[tid], message, data)
        await fake_api.wait_for(lambda: len(fake_api.calls("answerCallbackQuery")) > answers)
        return fake_api.calls("answerCallbackQuery")[answers].params.get("text", "")

    async def asked(tid: int, message: dict, data: str) -> None:
        """Press a button that asks a question, and wait for the question."""
        before = len(fake_api.sent(tid))
        await press(tid, message, data)
        await fake_api.wait_for(lambda: len(fake_api.sent(tid)) > before)

    async def say(tid: int, text: str) -> None:
        before = len(fake_api.sent(tid))
        fake_api.send_text(people[tid], text)
        await fake_api.wait_for(lambda: len(fake_api.sent(tid)) > before)

    async with running_bot(settings, clock=clock):
        # Marc announces at 10:00, Sofie takes the pickup from the group's card.
        await say(MARC, words["announce"])
        await press(MARC, fake_api.last_message(MARC), AnnounceCb(action="ok").pack())
        await fake_api.wait_for(lambda: fake_api.sent(GROUP) and fake_api.sent(SOFIE))
        card = fake_api.sent(GROUP)[0]
        await press(SOFIE, card, button_data(card, "cl")[0])
        await fake_api.wait_for(lambda: any(button_data(m, "pu") for m in fake_api.sent(SOFIE)))

        # At 10:00 nothing can have been weighed: a clear answer, nothing recorded.
        panel = last_with_button(fake_api, SOFIE, "pu")
        total = next(d for d in button_data(panel, "pu") if PickupCb.unpack(d).action == "total")
        answer = await press(SOFIE, panel, total)
        assert answer.startswith(words["not_open"]), answer

        # At 18:40, 58,5 kg collected; the next morning 39 kg to one stop, 19 kg to the other.
        clock.set(datetime(2026, 3, 10, 17, 40, tzinfo=UTC))
        await asked(SOFIE, panel, total)
        await say(SOFIE, "58,5")
        clock.set(datetime(2026, 3, 11, 8, 30, tzinfo=UTC))
        for kg in ("39", "19"):
            panel = last_with_button(fake_api, SOFIE, "dl")
            by_kg = next(d for d in button_data(panel, "dl") if DeliverCb.unpack(d).action == "kg")
            await asked(SOFIE, panel, by_kg)
            await say(SOFIE, kg)
        delivered = await stops(settings.database_url)
        kg_of = {place: f"{delivered[place][1]:g} kg" for place in (EPICERIE, RESTO)}
        assert sorted(kg_of.values()) == ["19 kg", "39 kg"]

        # Anne's épicerie received it too warm; Pieter's restaurant weighed 10 kg.
        await fake_api.wait_for(
            lambda: (
                any(button_data(m, "rc") for m in fake_api.sent(ANNE))
                and any(button_data(m, "rc") for m in fake_api.sent(PIETER))
            )
        )
        anne = last_with_button(fake_api, ANNE, "rc")
        problem = next(
            d for d in button_data(anne, "rc") if ReceiptCb.unpack(d).action == "problem"
        )
        await asked(ANNE, anne, problem)
        await fake_api.wait_for(lambda: any(button_data(m, "rp") for m in fake_api.sent(ANNE)))
        choice = last_with_button(fake_api, ANNE, "rp")
        too_warm = next(
            d for d in button_data(choice, "rp") if ProblemCb.unpack(d).problem == "too_warm"
        )
        await asked(ANNE, choice, too_warm)  # and, if she wishes, what happened
        await say(ANNE, words["note"])
        assert words["thanks"] in fake_api.texts(ANNE)[-1]
        pieter = last_with_button(fake_api, PIETER, "rc")
        diff = next(d for d in button_data(pieter, "rc") if ReceiptCb.unpack(d).action == "diff")
        await asked(PIETER, pieter, diff)
        await say(PIETER, "10")

        # The coordinator gets one alert per stop (and one more when Anne says what
        # happened), each with the buttons to settle it.
        await fake_api.wait_for(
            lambda: len([m for m in fake_api.sent(CLAIRE) if button_data(m, "st")]) == 3
        )
        alerts = {
            SettleCb.unpack(button_data(m, "st")[0]).delivery_id: m
            for m in fake_api.sent(CLAIRE)
            if button_data(m, "st")
        }
        warm_alert = alerts[delivered[EPICERIE][0]]["text"]
        weight_alert = alerts[delivered[RESTO][0]]["text"]
        assert words["alert_problem"].format(place=EPICERIE, kg=kg_of[EPICERIE]) in warm_alert
        assert words["alert_weight"].format(place=RESTO, kg=kg_of[RESTO]) in weight_alert
        for alert in (warm_alert, weight_alert):
            assert "@sofie_rijdt" in alert, alert  # the driver, by username
            assert words["delivered"] in alert, alert
        # the association, by a link to its members' profiles
        assert links(alerts[delivered[EPICERIE][0]]) == {f"tg://user?id={ANNE}"}
        assert links(alerts[delivered[RESTO][0]]) == {f"tg://user?id={PIETER}"}

        # The group's card: each stop's figures, no green check on either, the true total.
        await fake_api.wait_for(lambda: words["total"] in fake_api.sent(GROUP)[0]["text"])
        card_text = fake_api.sent(GROUP)[0]["text"]
        problem_line = words["problem_line"].format(place=EPICERIE, kg=kg_of[EPICERIE])
        weight_line = words["weight_line"].format(place=RESTO, kg=kg_of[RESTO])
        assert problem_line in warm_alert, warm_alert  # sent before the restaurant answered
        for text in (card_text, weight_alert):
            assert problem_line in text, text
            assert weight_line in text, text
        for text in (card_text, warm_alert, weight_alert):
            for place in (EPICERIE, RESTO):
                assert lines_about(text, place), (place, text)
                assert not any("✅" in line for line in lines_about(text, place)), text
        assert "✅" not in card_text

        # Nobody else settles: the driver, the association, another antenna's coordinator,
        # a stranger, a suspended coordinator. Each is told; nothing changes.
        settle_lost = SettleCb(delivery_id=delivered[RESTO][0], outcome="lost").pack()
        for tid in (SOFIE, PIETER, ANNE, JORIS, STRANGER, DEPUTY):
            await say(tid, "/help")
            answer = await press(tid, fake_api.last_message(tid), settle_lost)
            assert words["not_yours"] in answer, (tid, answer)
        assert {p: s[2] for p, s in (await stops(settings.database_url)).items()} == {
            EPICERIE: None,
            RESTO: None,
        }

        # Claire settles: the too-warm stop one way, the other as lost.
        outcome, told = words["first"]
        first = SettleCb(delivery_id=delivered[EPICERIE][0], outcome=outcome).pack()
        assert first in button_data(alerts[delivered[EPICERIE][0]], "st")
        answer = await press(CLAIRE, alerts[delivered[EPICERIE][0]], first)
        assert answer == told.format(kg=kg_of[EPICERIE]), answer
        assert settle_lost in button_data(alerts[delivered[RESTO][0]], "st")
        await press(CLAIRE, alerts[delivered[RESTO][0]], settle_lost)
        again = await press(CLAIRE, alerts[delivered[RESTO][0]], settle_lost)
        assert again == words["again"]

        after = words["after"].format(kg=kg_of[EPICERIE])
        await fake_api.wait_for(lambda: after in fake_api.sent(GROUP)[0]["text"])
        card_text = fake_api.sent(GROUP)[0]["text"]
        assert words["settled_line"].format(kg=kg_of[EPICERIE]) in card_text
        assert words["lost_line"].format(kg=kg_of[RESTO]) in card_text

        # /history keeps the problem's reason and each settlement.
        await say(CLAIRE, "/history 1")
        history = fake_api.texts(CLAIRE)[-1]
        for line in words["history"]:
            assert line.format(kg=kg_of[EPICERIE], lost=kg_of[RESTO]) in history, history

    assert await settlements_audited(settings.database_url) == [outcome, "lost"]
    lost = float(kg_of[RESTO].split()[0])
    report_kg, summary_kg, resto_kg = await tonnage(settings.database_url, clock.now().date())
    assert (report_kg, resto_kg) == (58.5 - lost, 0.0)
    assert summary_kg == 0.0  # the summary of the 11th: the pickup was on the 10th
    _, collected_on_the_10th, _ = await tonnage(
        settings.database_url, datetime(2026, 3, 10, tzinfo=UTC).date()
    )
    assert collected_on_the_10th == 58.5 - lost
    assert fake_api.refused == []
