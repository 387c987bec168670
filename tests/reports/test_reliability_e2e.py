"""/report and a driver's page in /members show who keeps doing it: the per-driver and
per-store figures of the rules' records, in the report's message and its XLSX sheet, and on
the page, counting only the pickups of the coordinator's antenna."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
from sqlmodel import select

from bot.callbacks import MemberCb
from storage.models import Claim, Donation, Membership, Store
from tests.harness import running_bot
from tests.reports.test_reliability import (
    CLAIRE,
    GROUP,
    LUCAS,
    MARC,
    NOW,
    SOFIE,
    local,
    through_the_rules,
)


async def test_report_and_members_show_who_keeps_doing_it(
    settings, session_factory, fake_api, clock
):
    members = await through_the_rules(session_factory)
    async with session_factory() as s:
        helmet = (await s.exec(select(Store).where(Store.key == "super-helmet"))).one()
        missed = Donation(
            antenna_id=helmet.antenna_id,
            store_id=helmet.id,
            status="missed",
            window_start=local(2026, 3, 9),
            window_end=local(2026, 3, 9) + timedelta(minutes=30),
            created_at=NOW,
            updated_at=NOW,
        )
        s.add(missed)
        await s.flush()  # Sofie's claim in another antenna does not count in Ixelles
        s.add(Claim(donation_id=missed.id, driver_id=members[SOFIE], claimed_at=NOW))
        sofie_role = (
            await s.exec(select(Membership.id).where(Membership.member_id == members[SOFIE]))
        ).one()
        await s.commit()
    claire = fake_api.user(CLAIRE, language_code="fr")
    fake_api.group(GROUP)
    for person in (MARC, SOFIE, LUCAS, 100008, 100006):
        fake_api.user(person)
    async with running_bot(settings, clock=clock):
        fake_api.send_text(claire, "/report 2026-03")
        await fake_api.wait_for(method="sendPhoto", chat_id=CLAIRE, timeout=20)
        fake_api.send_text(claire, "/members")
        await fake_api.wait_for(method="sendMessage", chat_id=CLAIRE)
        listing = fake_api.last_message(CLAIRE)
        fake_api.press_button(
            claire, listing, MemberCb(membership_id=sofie_role, action="v").pack()
        )
        await fake_api.wait_for(method="editMessageText", chat_id=CLAIRE)
    assert fake_api.refused == []
    texts = [m["text"] for m in fake_api.sent(CLAIRE) if "text" in m]
    [report] = [t for t in texts if "Rapport de mars 2026" in t]
    [section] = [t for t in texts if "Qui le fait souvent" in t]
    assert "(1–10 mars 2026, mois en cours)" in report
    assert "Qui le fait souvent\u202f: mars 2026, et entre parenthèses" in section
    sofie_line = next(line for line in section.splitlines() if "Sofie" in line)
    assert "manquées 1 (1)" in sofie_line and "libérées tardivement 1 (1)" in sofie_line
    assert "0 kg, la collecte n'a pas eu lieu\u202f: 1 (1)" in sofie_line
    flagey = next(line for line in section.splitlines() if "Flagey" in line)
    assert "annoncées 2 (2) · annulées 1 (1) · «\u202frien aujourd'hui\u202f» 0 (0)" in flagey
    xlsx = next(u.data for u in fake_api.uploads if u.filename == "rapport-2026-03.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["Fiabilité"]
    rows = [r for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:7] == (
        "Nom de l'antenne", "Type", "Nom", "Période", "Collectes effectuées",
        "Collectes manquées", "Libérées tardivement",
    )  # fmt: skip
    by_name = {(r[2], r[3]): r[4:] for r in rows[1:]}
    assert by_name[("Sofie Voorbeeld", "mars 2026")] == (0, 1, 1, 0, 0, 1, None, None, None)
    assert by_name[("Supermarché Exemple Jourdan", "90 derniers jours")] == (
        None, 0, None, None, None, None, 0, 0, 1,
    )  # fmt: skip
    card = fake_api.calls("editMessageText", chat_id=CLAIRE)[-1].params["text"]
    assert "Ce mois-ci (90 derniers jours entre parenthèses)" in card
    assert "faites 0 (0) · manquées 1 (1) · libérées tardivement 1 (1)" in card
