"""A recall drill through the fake Telegram server, in French and in Dutch: a coordinator
starts /recall, sees the three places that received the yoghurts, sends the recall; two places
answer, the third does not and is reminded after 2 hours, then the coordinators are told;
/recall lists it with the answers and sends its report, read back. Who may not, is refused."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import update
from sqlmodel import col, select

from bot.callbacks import RecallAnswerCb, RecallMenuCb, RecallStepCb
from logistics.people.identity import identify
from logistics.safety.recalls import confirm_recall
from scheduler.jobs import check_reminders
from storage.engine import create_engine, create_session_factory
from storage.food_safety import RecallNotice
from storage.models import Member, Store
from tests.chat_steps import suspend
from tests.harness import buttons, running_bot
from tests.safety.test_recalls import ANNE, CLAIRE, JORIS, MARC, PIETER, SOFIE, history, query

GROUP = -1001000000001
LUCAS, STRANGER = 100007, 555
WORDS = {
    "fr": {
        "store": "Les produits de quel magasin\u202f?",
        "product": "Écrivez le nom du produit",
        "days": "Reçu quels jours\u202f?",
        "lot": "Quel lot\u202f?",
        "places": "Ces lieux ont reçu ce produit\u202f:",
        "resto": "• Restaurant social Exemple Etterbeek\u202f: 5 kg, reçu",
        "epicerie": "• Épicerie sociale Exemple Ixelles\u202f: 23 kg, reçu",
        "hub": "• Hub Exemple Ixelles\u202f: 2,5 kg, reçu",
        "sent": "📣 Rappel n°1 envoyé à 3 lieux.",
        "notice": "Ne distribuez plus ce produit.",
        "recorded": "Merci\u202f: votre réponse est enregistrée",
        "already": "Ce rappel a déjà reçu une réponse.",
        "reminder": "⏰ Relance\u202f: ce rappel de produit attend toujours votre réponse.",
        "overdue": "⚠️ Hub Exemple Ixelles n'a toujours pas répondu au rappel n°1",
        "answered": "Réponses\u202f: 2 sur 3",
        "seen": "Épicerie sociale Exemple Ixelles\u202f: 23 kg, 👀 Vu",
        "set_aside": "📦 Encore en stock\u202f: mis de côté",
        "waiting": "⏳ En attente\u202f: coordinateurs prévenus",
        "headers": ["Lieu", "Type", "kg", "Première réception", "Dernière réception"],
        "answer_header": "Réponse",
        "no_answer": "pas encore de réponse",
        "refused": "Les rappels de produits sont réservés aux coordinateurs",
        "not_yours": "Ce n'est pas à vous de le faire",
    },
    "nl": {
        "store": "Producten van welke winkel?",
        "product": "Typ de naam van het product",
        "days": "Op welke dagen ontvangen?",
        "lot": "Welk lot?",
        "places": "Deze plaatsen kregen dit product:",
        "resto": "• Restaurant social Exemple Etterbeek: 5 kg, ontvangen",
        "epicerie": "• Épicerie sociale Exemple Ixelles: 23 kg, ontvangen",
        "hub": "• Hub Exemple Ixelles: 2,5 kg, ontvangen",
        "sent": "📣 Terugroeping #1 verstuurd naar 3 plaatsen.",
        "notice": "Verdeel dit product niet meer.",
        "recorded": "Bedankt: je antwoord is genoteerd",
        "already": "Deze terugroeping werd al beantwoord.",
        "reminder": "⏰ Herinnering: deze terugroeping wacht nog op je antwoord.",
        "overdue": "⚠️ Hub Exemple Ixelles heeft nog altijd niet geantwoord op terugroeping #1",
        "answered": "Antwoorden: 2 van 3",
        "seen": "Épicerie sociale Exemple Ixelles: 23 kg, 👀 Gezien",
        "set_aside": "📦 Nog in voorraad: apart gezet",
        "waiting": "⏳ Wacht op antwoord: coördinatoren verwittigd",
        "headers": ["Plaats", "Soort", "kg", "Eerste ontvangst", "Laatste ontvangst"],
        "answer_header": "Antwoord",
        "no_answer": "nog geen antwoord",
        "refused": "Terugroepingen zijn voor de coördinatoren en winkelverantwoordelijken",
        "not_yours": "Dat is niet aan jou",
    },
}


def _database(settings):
    engine = create_engine(settings.database_url)
    return engine, create_session_factory(engine)


async def prepared(settings, language: str) -> None:
    """The history of the yoghurts, and everyone of the drill speaking ``language``."""
    engine, factory = _database(settings)
    async with factory() as s:
        await history(s)
        await s.exec(
            update(Member)
            .where(col(Member.telegram_id).in_([CLAIRE, ANNE, PIETER, MARC]))
            .values(language=language)
        )
        await s.commit()
    await engine.dispose()


async def answer_of(fake, chat_id: int, wanted: str) -> dict:
    def found():
        return next((m for m in reversed(fake.sent(chat_id)) if wanted in m["text"]), None)

    await fake.wait_for(lambda: found() is not None, timeout=15)
    return found()


async def press(fake, user, message, data: str) -> str:
    before = len(fake.calls("answerCallbackQuery"))
    fake.press_button(user, message, data)
    await fake.wait_for(lambda: len(fake.calls("answerCallbackQuery")) > before)
    return fake.calls("answerCallbackQuery")[-1].params.get("text", "")


def notice_button(message: dict, answer: str) -> str:
    return next(d for _, d in buttons(message) if d.startswith("ra:") and d.endswith(answer))


@pytest.mark.parametrize("language", ["fr", "nl"])
async def test_a_recall_drill(settings, fake_api, clock, session_factory, language):
    words = WORDS[language]
    await prepared(settings, language)
    fake_api.group(GROUP)
    claire, anne, pieter = (
        fake_api.user(t, language_code=language) for t in (CLAIRE, ANNE, PIETER)
    )
    async with session_factory() as s:
        flagey = (await s.exec(select(Store.id).where(Store.key == "super-flagey"))).one()
    async with running_bot(settings, clock=clock) as app:
        fake_api.send_text(claire, "/recall")
        asked = await answer_of(fake_api, CLAIRE, words["store"])
        await press(fake_api, claire, asked, RecallStepCb(step="store", value=flagey).pack())
        await answer_of(fake_api, CLAIRE, words["product"])
        fake_api.send_text(claire, "Yaourts")
        asked = await answer_of(fake_api, CLAIRE, words["days"])
        await press(fake_api, claire, asked, RecallStepCb(step="days", value=7).pack())
        await answer_of(fake_api, CLAIRE, words["lot"])
        fake_api.send_text(claire, "L42")
        preview = await answer_of(fake_api, CLAIRE, words["places"])
        for place in ("resto", "epicerie", "hub"):
            assert words[place] in preview["text"], preview["text"]
        assert RecallStepCb(step="ok").pack() == buttons(preview)[0][1]  # affirmative first
        await press(fake_api, claire, preview, RecallStepCb(step="ok").pack())
        await answer_of(fake_api, CLAIRE, words["sent"])

        # each place gets its notice in its language: Anne, Pieter, and Claire for the hub
        to_anne = await answer_of(fake_api, ANNE, words["notice"])
        to_pieter = await answer_of(fake_api, PIETER, words["notice"])
        await answer_of(fake_api, CLAIRE, words["notice"])
        assert "23 kg" in to_anne["text"] and "5 kg" in to_pieter["text"]
        # Anne may not answer for Pieter's restaurant
        said = await press(fake_api, anne, to_pieter, notice_button(to_pieter, "seen"))
        assert words["not_yours"] in said
        said = await press(fake_api, anne, to_anne, notice_button(to_anne, "seen"))
        assert words["recorded"] in said
        said = await press(fake_api, anne, to_anne, notice_button(to_anne, "distributed"))
        assert words["already"] in said
        said = await press(fake_api, pieter, to_pieter, notice_button(to_pieter, "set_aside"))
        assert words["recorded"] in said

        # the hub does not answer: reminded after 2 hours, coordinators told 2 hours later
        for hours in (2, 2):
            clock.advance(hours=hours)
            await check_reminders(
                session_factory=session_factory, clock=clock, on_queued=app.dp["outbox"].wake
            )
        await answer_of(fake_api, CLAIRE, words["reminder"])
        await answer_of(fake_api, CLAIRE, words["overdue"])
        assert not any(words["reminder"] in t for t in fake_api.texts(ANNE))

        # /recall lists it with the answers; its report is sent and read back
        fake_api.send_text(claire, "/recall")
        listed = await answer_of(fake_api, CLAIRE, words["answered"])
        for wanted in ("seen", "set_aside", "waiting"):
            assert words[wanted] in listed["text"], listed["text"]
        uploads = len(fake_api.uploads)
        await press(fake_api, claire, listed, RecallMenuCb(action="report", recall_id=1).pack())
        await fake_api.wait_for(lambda: len(fake_api.uploads) >= uploads + 3, timeout=15)
    xlsx, csv_file, paper = fake_api.uploads[-3:]
    assert xlsx.filename.endswith(".xlsx") and csv_file.filename.endswith(".csv")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0][:5] == words["headers"] and words["answer_header"] in table[0]
    assert [(r[0], r[2]) for r in table[1:]] == [
        ("Restaurant social Exemple Etterbeek", 5.0),
        ("Épicerie sociale Exemple Ixelles", 23.0),
        ("Hub Exemple Ixelles", 2.5),
    ]
    assert table[3][5] == words["no_answer"] and table[1][6] and table[1][7]
    rows = list(csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == table[0] and rows[2][2] == "23" and rows[3][2] == "2,5"
    assert paper.filename.endswith(".pdf")
    printed = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(paper.data)).pages)
    for row in rows[1:]:
        assert row[0] in printed and row[2] in printed, (row, printed)
    assert all(header in printed for header in rows[0][:3]), printed
    assert fake_api.refused == []


async def test_who_may_not_recall_or_answer(settings, fake_api, clock, session_factory):
    """A store manager recalling another store's food, strangers, drivers, a suspended member,
    another antenna's coordinator: refused and nothing written; Anne may not answer the
    restaurant's notice."""
    engine, factory = _database(settings)
    async with factory() as s:
        await history(s)
        claire = await identify(s, telegram_id=CLAIRE)
        await confirm_recall(s, identity=claire, query=await query(s), now=clock.now())
        notices = (await s.exec(select(RecallNotice).order_by(col(RecallNotice.id)))).all()
        jourdan = (await s.exec(select(Store.id).where(Store.key == "super-jourdan"))).one()
        flagey = (await s.exec(select(Store.id).where(Store.key == "super-flagey"))).one()
    await engine.dispose()
    await suspend(settings.database_url, LUCAS)
    users = {
        t: fake_api.user(t, language_code="fr")
        for t in (MARC, SOFIE, LUCAS, JORIS, STRANGER, CLAIRE, PIETER)
    }
    anne = fake_api.user(ANNE, language_code="fr")
    async with running_bot(settings, clock=clock):
        for tid in (SOFIE, LUCAS, STRANGER):
            fake_api.send_text(users[tid], "/recall")
            words = WORDS["nl" if tid == SOFIE else "fr"]
            await answer_of(fake_api, tid, words["refused"])
        # Joris recalls for Schaerbeek's stores only: Flagey's button and its report refused
        fake_api.send_text(users[JORIS], "/recall")
        asked = await answer_of(fake_api, JORIS, "Producten van welke winkel?")
        assert RecallStepCb(step="store", value=flagey).pack() not in [d for _, d in buttons(asked)]
        said = await press(
            fake_api, users[JORIS], asked, RecallStepCb(step="store", value=flagey).pack()
        )
        assert "Dat is niet aan jou" in said
        report = RecallMenuCb(action="report", recall_id=1).pack()
        assert "Dat is niet aan jou" in await press(fake_api, users[JORIS], asked, report)
        # Marc manages Flagey: the flow skips the store; another store's button is refused
        fake_api.send_text(users[MARC], "/recall")
        listed = await answer_of(fake_api, MARC, "Réponses\u202f: 0 sur 3")
        await press(fake_api, users[MARC], listed, RecallMenuCb(action="new").pack())
        asked = await answer_of(fake_api, MARC, "Rappel de produits de Supermarché Exemple Flagey")
        forged = RecallStepCb(step="store", value=jourdan).pack()
        said = await press(fake_api, users[MARC], asked, forged)
        assert "Cette question n'est plus ouverte" in said
        # another association's notice, and a notice that does not exist
        resto = notices[0]
        assert resto.association_id is not None and resto.hub_id is None
        seen = RecallAnswerCb(notice_id=resto.id, answer="seen").pack()
        assert "Ce n'est pas à vous de le faire" in await press(fake_api, anne, listed, seen)
        missing = RecallAnswerCb(notice_id=99, answer="seen").pack()
        assert "n'existe plus" in await press(fake_api, anne, listed, missing)
    async with session_factory() as s:
        assert [n.answered_at for n in (await s.exec(select(RecallNotice))).all()] == [None] * 3
        assert len((await s.exec(select(RecallNotice.recall_id).distinct())).all()) == 1
    assert fake_api.refused == []
