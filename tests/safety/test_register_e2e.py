"""/register through the fake Telegram server: an association's member gets its own lines, a
coordinator the antenna's, each in their language, with the XLSX, CSV and PDF files; stores'
managers, drivers, strangers and suspended members are refused in their language; another
antenna's coordinator gets his own antenna's register, never this one's."""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy import update
from sqlmodel import col

from storage.models import Member, Outbox
from tests.chat_steps import suspend
from tests.harness import running_bot
from tests.safety.register_world import build_register_world

CLAIRE, JORIS, MARC, SOFIE, LUCAS, ANNE, PIETER = (
    100001,
    100002,
    100003,
    100004,
    100007,
    100006,
    100008,
)
STRANGER = 555
NNBSP = "\u202f"


async def seeded(session_factory, now, *, claire_speaks: str = "fr") -> None:
    async with session_factory() as session:
        await build_register_world(session, now)
        await session.exec(
            update(Member).where(col(Member.telegram_id) == CLAIRE).values(language=claire_speaks)
        )
        # what the setting up queued is not what this test looks at
        await session.exec(update(Outbox).values(status="sent"))
        await session.commit()


async def ask(fake_api, user, chat: int, text: str, *, documents: int) -> list[dict]:
    """Send a command; wait for its message and its files; return what the chat got."""
    before = len(fake_api.sent(chat))
    fake_api.send_text(user, text)
    await fake_api.wait_for(method="sendMessage", chat_id=chat, timeout=20)
    if documents:
        await fake_api.wait_for(method="sendDocument", chat_id=chat, count=documents, timeout=30)
    await fake_api.wait_idle(grace=0.1)
    return fake_api.sent(chat)[before:]


def uploads(fake_api, chat: int) -> dict[str, bytes]:
    return {u.filename: u.data for u in fake_api.uploads if u.chat_id == chat}


def products(data: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(rows) if r[1] is not None)
    return [(r[1], r[4], r[5], r[7]) for r in rows[top + 1 :]]


async def test_an_association_and_a_coordinator_in_french(
    settings, session_factory, fake_api, clock, now
):
    await seeded(session_factory, now)
    claire = fake_api.user(CLAIRE, language_code="fr")
    anne = fake_api.user(ANNE, language_code="fr")
    async with running_bot(settings, clock=clock):
        coordinator = await ask(fake_api, claire, CLAIRE, "/register", documents=3)
        association = await ask(fake_api, anne, ANNE, "/register mars 2026", documents=3)
        bad = await ask(fake_api, anne, ANNE, "/register la semaine passée", documents=0)
    assert fake_api.refused == [], "\n".join(c.describe() for c in fake_api.refused)

    text = coordinator[0]["text"]
    assert "📒 Registre de traçabilité de Antenne Ixelles-Etterbeek, 1–10 mars 2026" in text
    assert f"Collectes{NNBSP}: 3" in text and f"Livraisons{NNBSP}: 3, 38,5 kg" in text
    assert f"à ne pas distribuer{NNBSP}: 1" in text
    assert f"Lignes enregistrées comme perdues{NNBSP}: 2" in text
    stem = "registre-ixelles-2026-03-01-2026-03-10"
    names = [m["document"]["file_name"] for m in coordinator if "document" in m]
    assert names == [f"{stem}.xlsx", f"{stem}.csv", f"{stem}.pdf"]
    files = uploads(fake_api, CLAIRE)
    assert len(products(files[f"{stem}.xlsx"])) == 10
    assert files[f"{stem}.pdf"].startswith(b"%PDF")
    assert b"L-YAO-42" in files[f"{stem}.csv"]

    assert (
        "📒 Registre de traçabilité de Épicerie sociale Exemple Ixelles" in (association[0]["text"])
    )
    anne_stem = "registre-epicerie-ixelles-2026-03-01-2026-03-10"
    assert products(uploads(fake_api, ANNE)[f"{anne_stem}.xlsx"]) == [
        ("Livraison", "Épicerie sociale Exemple Ixelles", "12 kg yaourts", 11.5),
        ("Livraison", "Épicerie sociale Exemple Ixelles", "8 kg pain", 7.0),
    ]
    assert "Je n'ai pas compris la période «\u202fla semaine passée\u202f»" in bad[0]["text"]


async def test_an_association_and_a_coordinator_in_dutch(
    settings, session_factory, fake_api, clock, now
):
    await seeded(session_factory, now, claire_speaks="nl")
    claire = fake_api.user(CLAIRE, language_code="nl")
    pieter = fake_api.user(PIETER, language_code="nl")
    async with running_bot(settings, clock=clock):
        coordinator = await ask(fake_api, claire, CLAIRE, "/register 30", documents=3)
        association = await ask(fake_api, pieter, PIETER, "/register maart 2026", documents=3)
    assert fake_api.refused == [], "\n".join(c.describe() for c in fake_api.refused)
    text = coordinator[0]["text"]
    assert "📒 Traceerbaarheidsregister van Antenne Ixelles-Etterbeek, 9 februari 2026 – " in text
    assert "Ophalingen: 4" in text and "Leveringen: 4, 43,5 kg" in text
    stem = "register-ixelles-2026-02-09-2026-03-10"
    assert len(products(uploads(fake_api, CLAIRE)[f"{stem}.xlsx"])) == 12
    pieter_text = association[0]["text"]
    assert "Traceerbaarheidsregister van Restaurant social Exemple Etterbeek" in pieter_text
    assert "Regels geboekt als verloren: 2" in pieter_text
    pieter_stem = "register-resto-etterbeek-2026-03-01-2026-03-10"
    assert products(uploads(fake_api, PIETER)[f"{pieter_stem}.xlsx"]) == [
        ("Levering", "Restaurant social Exemple Etterbeek", "10 kg viande", 7.5),
        ("Levering", "Restaurant social Exemple Etterbeek", "10 kg plats préparés", 7.5),
    ]


async def test_the_others_are_refused_in_their_language(
    settings, session_factory, fake_api, clock, now
):
    await seeded(session_factory, now)
    await suspend(settings.database_url, LUCAS)
    people = {
        MARC: ("fr", "Le registre de traçabilité est réservé aux associations"),
        SOFIE: ("nl", "Het traceerbaarheidsregister is voor de verenigingen en coördinatoren"),
        LUCAS: ("fr", "Le registre de traçabilité est réservé aux associations"),
        STRANGER: ("nl", "Het traceerbaarheidsregister is voor de verenigingen en coördinatoren"),
    }
    async with running_bot(settings, clock=clock):
        for chat, (language, _said) in people.items():
            user = fake_api.user(chat, language_code=language)
            await ask(fake_api, user, chat, "/register", documents=0)
        joris = fake_api.user(JORIS, language_code="nl")
        other = await ask(fake_api, joris, JORIS, "/register 2026-03", documents=3)
    assert fake_api.refused == [], "\n".join(c.describe() for c in fake_api.refused)
    for chat, (_language, said) in people.items():
        assert said in fake_api.last_message(chat)["text"], chat
        assert fake_api.calls("sendDocument", chat_id=chat) == []
    # Joris coordinates Schaerbeek: his own antenna's register, where nothing moved
    assert "Traceerbaarheidsregister van Antenne Schaerbeek-Evere" in other[0]["text"]
    assert "In deze periode is er geen voedsel verplaatst." in other[0]["text"]
    schaerbeek = uploads(fake_api, JORIS)["register-schaerbeek-2026-03-01-2026-03-10.xlsx"]
    assert products(schaerbeek) == []
