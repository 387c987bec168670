"""What a card says of weights and receipts: ≈ for a share of a total, one line per category,
each stop's figures and never a green check on a disputed one, the delivered total beside
the collected one; and what /history says of a problem, a settlement and an override."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import cards
from bot.i18n import create_i18n
from bot.reports.history import entry_line
from logistics.pickups.views import DonationView, ItemView, StopView
from logistics.reports.history import HistoryEntry, Person

WHEN = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def i18n():
    return create_i18n()


def in_french(i18n, render):
    with i18n.context(), i18n.use_locale("fr"):
        return render()


def item(id_, key, name, quantity, unit, kg, collected, estimated):
    return ItemView(id_, key, name, name, quantity, unit, "ambient", kg, collected, estimated)


def stop(id_, name, delivered, status=None, received=None, problem=None, note=None, settled=None):
    return StopView(
        delivery_id=id_,
        kind="association",
        place_id=id_,
        name=name,
        planned_kg=delivered,
        delivered_kg=delivered,
        delivered_at=WHEN if status else None,
        receipt_status=status,
        received_kg=received,
        problem=problem,
        note=note,
        settlement=settled,
    )


def view(items=(), stops=(), status="received", collected=58.5) -> DonationView:
    return DonationView(
        id=7,
        antenna_id=1,
        antenna_name="Ixelles",
        tz="Europe/Brussels",
        group_chat_id=None,
        group_languages=("fr",),
        store_id=1,
        store_name="Flagey",
        store_address="",
        status=status,
        window_start=WHEN,
        window_end=WHEN,
        items=tuple(items),
        estimated_kg=60,
        collected_kg=collected,
        zero_reason=None,
        driver_id=1,
        driver_name="Sofie",
        stops=tuple(stops),
    )


def test_a_share_of_a_total_is_shown_as_estimated_and_a_category_once(i18n):
    dairy = [
        item(1, "dairy", "Produits laitiers", 3, "crate", 15, 14.5, True),
        item(2, "dairy", "Produits laitiers", 2, "crate", 10, 9.5, True),
    ]
    bread = item(3, "bread", "Pain", 20, "kg", 20, 19.0, False)
    text = in_french(i18n, lambda: cards.card_text(view([*dairy, bread], status="picked_up")))
    dairy_lines = [line for line in text.splitlines() if "Produits laitiers" in line]
    assert dairy_lines == [
        "• Produits laitiers: 5 caisses (≈ 25 kg) → ≈ 24 kg collectés (part du total)"
    ]
    assert "• Pain: 20 kg → 19 kg collectés" in text.splitlines()


def test_disputed_stops_show_their_figures_and_no_green_check(i18n):
    stops = [
        stop(1, "Épicerie", 39.0, "disputed", problem="too_warm", note="12 °C"),
        stop(2, "Resto", 19.0, "disputed", received=10.0),
        stop(3, "Colis", 0.5, "confirmed", received=0.5),
    ]
    text = in_french(i18n, lambda: cards.card_text(view(stops=stops)))
    lines = text.splitlines()
    assert (
        "⚠️ Épicerie\u202f: 39 kg livrés\u202f; problème\u202f: "
        "trop chaud (chaîne du froid rompue) (12 °C)" in lines
    )
    assert "⚠️ Resto\u202f: 19 kg livrés, 10 kg reçus" in lines
    assert "✅ Colis\u202f: 0,5 kg livrés et reçus" in lines
    assert lines[-1] == (
        "⚠️ Livré\u202f: 58,5 kg\u202f; 2 réceptions contestées, à régler par un·e coordinateur·rice"
    )


def test_the_delivered_total_is_the_sum_of_the_stops_beside_the_collected_one(i18n):
    stops = [
        stop(1, "Épicerie", 39.0, "confirmed", 39.0),
        stop(2, "Resto", 19.0, "confirmed", 19.0),
    ]
    text = in_french(i18n, lambda: cards.card_text(view(stops=stops)))
    assert text.splitlines()[-1] == "✅ Livré et reçu\u202f: 58 kg (collecté\u202f: 58,5 kg)"
    delivered = in_french(i18n, lambda: cards.status_line(view(stops=stops, status="delivered")))
    assert delivered == "🚚 Livré\u202f: 58 kg (collecté\u202f: 58,5 kg) par Sofie"
    same = in_french(i18n, lambda: cards.status_line(view(stops=stops, collected=58.0)))
    assert same == "✅ Livré et reçu\u202f: 58 kg"


def test_settled_stops_say_how(i18n):
    stops = [
        stop(1, "Épicerie", 39.0, "disputed", problem="too_warm", settled="association"),
        stop(2, "Resto", 19.0, "disputed", received=10.0, settled="lost"),
        stop(3, "Colis", 5.0, "disputed", received=4.0, settled="association"),
    ]
    text = in_french(i18n, lambda: cards.card_text(view(stops=stops, collected=63.0)))
    lines = text.splitlines()
    assert lines[-4].endswith(" — réglé\u202f: le chiffre de l'association, 39 kg")
    assert lines[-3].endswith(" — réglé\u202f: 19 kg enregistrés comme perte")
    assert lines[-2].endswith(" — réglé\u202f: le chiffre de l'association, 4 kg")
    assert lines[-1] == (
        "☑️ Livré\u202f: 43 kg (collecté\u202f: 63 kg)\u202f; les contestations sont réglées"
    )
    assert "✅" not in text


def entry(action, **detail):
    return HistoryEntry(WHEN, action, Person("Claire", False), None, detail)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            entry("receipt.disputed", problem="other", note="<cassé>", received_kg=None),
            "réception contestée — par Claire — problème\u202f: autre problème (&lt;cassé&gt;)",
        ),
        (
            entry("receipt.disputed", received_kg=10.0),
            "réception contestée — par Claire — 10 kg reçus",
        ),
        (
            entry("receipt.settled", outcome="driver", counted_kg=12.0, lost_kg=0.0),
            "contestation réglée — par Claire — chiffre du chauffeur ou de la chauffeuse "
            "retenu\u202f: 12 kg",
        ),
        (
            entry("donation.picked_up", collected_kg=30.0, override="before_window"),
            "collectée — par Claire — 30 kg, enregistrés par un·e coordinateur·rice avant "
            "l'ouverture du créneau",
        ),
        (entry("donation.picked_up", collected_kg=30.0), "collectée — par Claire"),
    ],
)
def test_history_lines_carry_the_reason_the_settlement_and_the_override(i18n, line, expected):
    assert in_french(i18n, lambda: entry_line(line)).endswith(expected)
