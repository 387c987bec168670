"""Lines of an announcement not understood: which are open, filed under a category, dropped."""

from __future__ import annotations

from dataclasses import replace

import pytest

from logistics.announcements.announce import draft_from_text, load_catalog
from logistics.announcements.announce_lines import (
    drop_line,
    file_line,
    item_of_line,
    line_check,
    line_quantity,
    open_lines,
    reads_like_announcement,
)
from logistics.errors import AlreadyDone, InvalidInput, NotAllowed
from logistics.people.identity import identify
from storage.engine import create_engine, create_session_factory

MARC, SOFIE, STRANGER = 100003, 100004, 999001  # store manager, driver, nobody


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("3 flubbergasts", (3.0, "piece", False)),
        ("3 sacs de pommes", (3.0, "piece", False)),
        ("2 x 5 kg trucs", (10.0, "kg", True)),
        ("trois caisses de machins", (3.0, "crate", True)),
        ("12 kg", (12.0, "kg", True)),
        ("0 kg pain", None),
        ("-3 kg truc", None),
        ("nan kg truc", None),
        ("Bonjour !", None),
    ],
)
def test_the_quantity_of_a_line(text, found):
    assert line_quantity(text) == found


@pytest.fixture
async def session(settings):
    engine = create_engine(settings.database_url)
    async with create_session_factory(engine)() as s:
        yield s
    await engine.dispose()


async def marc_draft(session, now, text="Bonjour ! 20 kg pain, 3 flubbergasts, 2 kg machins 18h"):
    marc = await identify(session, telegram_id=MARC)
    store_id = next(r.store_id for r in marc.roles if r.role == "store_manager")
    return marc, await draft_from_text(
        session, identity=marc, store_id=store_id, text=text, now=now
    )


async def test_only_lines_with_a_quantity_are_open(session, now):
    _marc, draft = await marc_draft(session, now)
    assert draft.not_understood == ("Bonjour !", "3 flubbergasts", "2 kg machins")
    assert open_lines(draft) == [1, 2]


async def test_a_line_filed_becomes_an_item_as_written(session, now):
    marc, draft = await marc_draft(session, now)
    catalog = {c.key: c for c in await load_catalog(session)}
    line = 2
    filed = await file_line(
        session,
        identity=marc,
        draft=draft,
        line=line,
        check=line_check("2 kg machins"),
        category_id=catalog["epicerie-seche"].id,
    )
    item = filed.items[-1]
    assert (item.text, item.quantity, item.unit, item.estimated_kg) == ("2 kg machins", 2, "kg", 2)
    assert item.category_key == "epicerie-seche"
    assert filed.not_understood == ("Bonjour !", "3 flubbergasts")
    assert "quantity_without_category" in filed.problems  # one line is still open
    dropped = drop_line(filed, line=1, check=line_check("3 flubbergasts"))
    assert dropped.dropped == ("3 flubbergasts",)
    assert dropped.not_understood == ("Bonjour !",)
    assert open_lines(dropped) == []
    assert "quantity_without_category" not in dropped.problems  # no longer true
    assert dropped.estimated_kg == draft.estimated_kg + 2


async def test_pieces_of_an_unknown_unit_have_no_weight(session):
    catalog = {c.key: c for c in await load_catalog(session)}
    item = item_of_line("3 sacs de pommes", catalog["fruits-legumes"])
    assert (item.quantity, item.unit, item.estimated_kg) == (3, "piece", None)
    with pytest.raises(InvalidInput):
        item_of_line("Bonjour", catalog["pain"])
    with pytest.raises(InvalidInput):
        item_of_line("20000 kg trucs", catalog["pain"])


async def test_a_stale_button_never_acts_on_another_line(session, now):
    marc, draft = await marc_draft(session, now)
    with pytest.raises(AlreadyDone):
        drop_line(draft, line=1, check=line_check("2 kg machins"))  # the text moved
    with pytest.raises(AlreadyDone):
        drop_line(draft, line=0, check=line_check("Bonjour !"))  # not an open line
    with pytest.raises(AlreadyDone):
        drop_line(draft, line=7, check=0)
    catalog = await load_catalog(session)
    with pytest.raises(InvalidInput):
        await file_line(
            session,
            identity=marc,
            draft=draft,
            line=1,
            check=line_check("3 flubbergasts"),
            category_id=max(c.id for c in catalog) + 1,
        )


@pytest.mark.parametrize("who", [SOFIE, STRANGER])
async def test_only_the_store_files_its_lines(session, now, who):
    _marc, draft = await marc_draft(session, now)
    other = await identify(session, telegram_id=who)
    catalog = await load_catalog(session)
    with pytest.raises(NotAllowed):
        await file_line(
            session,
            identity=other,
            draft=replace(draft),
            line=1,
            check=line_check("3 flubbergasts"),
            category_id=catalog[0].id,
        )


@pytest.mark.parametrize(
    ("text", "announces"),
    [
        ("20 kg pain 18h", True),
        ("15kg pian, 12 kg broot", True),
        ("3 flubbergasts 18h", True),
        ("brood 10 kg", True),
        ("3 flubbergasts", False),
        ("merci beaucoup", False),
        ("à 18h ?", False),
        ("ok", False),
    ],
)
async def test_plain_words_that_read_like_an_announcement(session, text, announces):
    assert await reads_like_announcement(session, text) is announces
