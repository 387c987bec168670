"""A long stock fits Telegram: page by page, each message under 4096 characters and 100 buttons,
every lot on exactly one page, whole, in first expired first out order, with the legend of the
marks that page shows; through the bot, the pages follow one another with no call refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.callbacks import StockCb
from bot.i18n import create_i18n
from bot.stock.text import MARKS, legend, lot_line, pages, stock_view
from bot.telegram.edits import visible
from logistics.stock.views import HubStock, LotLine, fefo_key
from storage.engine import create_engine, create_session_factory
from tests.harness import buttons, running_bot
from tests.stock.stock_world import HELENE, put_lot
from tests.stock.test_stock_e2e import press, say

TODAY = date(2026, 3, 11)
TELEGRAM_TEXT, TELEGRAM_BUTTONS = 4096, 100


@pytest.fixture(scope="module")
def i18n():
    return create_i18n()


def long_stock(count: int) -> HubStock:
    """``count`` lots with every field at its longest, over the three classes and dates."""
    dues = [None, "past", "today", "tomorrow"]
    lines = [
        LotLine(
            lot_id=i,
            category_key="plats-prepares",
            category_fr="Plats préparés & <traiteur>",
            category_nl="Bereide maaltijden & <traiteur>",
            label="x" * 200,
            cold_chain=("frozen", "chilled", "ambient")[i % 3],
            on_hand_kg=9999.9,
            use_by=TODAY + timedelta(days=i % 4 - 1),
            best_before=TODAY + timedelta(days=i % 5),
            lot="L" * 64,
            received_at=datetime(2026, 3, 10, tzinfo=UTC),
            due=dues[i % 4],
        )
        for i in range(1, count + 1)
    ]
    return HubStock(1, "H" * 200, True, TODAY, tuple(sorted(lines, key=fefo_key)))


@pytest.mark.parametrize("locale", ["fr", "nl"])
def test_every_page_fits_a_message_and_every_lot_is_on_one(i18n, locale):
    stock = long_stock(95)
    with i18n.context(), i18n.use_locale(locale):
        bounds = pages(stock)
        assert len(bounds) > 4
        seen = []
        for page, (start, end) in enumerate(bounds):
            text, markup = stock_view(stock, page, done="🗑 " + "y" * 200)
            assert len(text) <= TELEGRAM_TEXT and len(visible(text)) <= TELEGRAM_TEXT
            assert sum(len(row) for row in markup.inline_keyboard) <= TELEGRAM_BUTTONS
            lines = text.splitlines()
            for number in range(start + 1, end + 1):
                assert lot_line(number, stock.lines[number - 1]) in lines  # whole, never cut
            seen += [int(line.split(".")[0]) for line in lines if line[:1].isdigit()]
            shown = {line.due for line in stock.lines[start:end]}
            for due in MARKS:
                assert (legend(due) in text) == (due in shown), (page, due)
            data = [StockCb.unpack(d) for row in markup.inline_keyboard for b in row
                    if (d := b.callback_data).startswith("sk:")]  # fmt: skip
            assert [d.page for d in data if d.page != page] == [
                p for p in (page - 1, page + 1) if 0 <= p < len(bounds)
            ]
        assert seen == list(range(1, 96))
        assert stock_view(stock, 999)[0] == stock_view(stock, len(bounds) - 1)[0]


def test_an_empty_hub_says_so(i18n):
    with i18n.context(), i18n.use_locale("fr"):
        text, markup = stock_view(HubStock(1, "Hub", True, TODAY, ()))
    assert "rien en stock" in text
    assert [b.text for row in markup.inline_keyboard for b in row] == ["🔄 Actualiser"]


async def test_a_long_stock_comes_in_pages_through_the_bot(settings, fake_api, clock):
    engine = create_engine(settings.database_url)
    async with create_session_factory(engine)() as session:
        for i in range(45):
            await put_lot(
                session,
                hub_key="hub-ixelles",
                category_key=("viande", "pain", "surgeles")[i % 3],
                kg=10 + i,
                now=clock.now(),
                use_by=TODAY + timedelta(days=i % 6 - 2) if i % 3 == 0 else None,
                lot=f"LOT-{i:03}-" + "9" * 50,
                label="étiquette " * 15,
            )
        await session.commit()
    await engine.dispose()
    clock.advance(days=1)
    helene = fake_api.user(HELENE, language_code="fr")
    async with running_bot(settings, clock=clock):
        page = await say(fake_api, helene, "/stock")
        numbers = []
        while True:
            text = page["text"]
            assert len(text) <= TELEGRAM_TEXT and "Page " in text
            numbers += [int(line.split(".")[0]) for line in text.splitlines() if line[:1].isdigit()]
            onward = [d for label, d in buttons(page) if label == "➡️"]
            if not onward:
                break
            _, page = await press(fake_api, helene, page, onward[0])
        assert numbers == list(range(1, 46))
    assert fake_api.refused == []
