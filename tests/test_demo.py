"""`python -m bot demo --fast`: the whole day plays on the emulator, exits 0, refuses nothing,
and its transcript shows every step in French and in Dutch."""

from __future__ import annotations

import io
import logging
import os
import re
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.harness import ROOT

pytestmark = pytest.mark.process

# Each step, by the words the bot uses for it in French and in Dutch.
STEPS = {
    "announcement": ("Voici ce que j'ai compris", "Dit heb ik begrepen"),
    "announced": ("Annoncé.", "Gemeld."),
    "card in the group": (
        "À collecter\u202f: qui la prend\u202f?",
        "Op te halen: wie neemt het op?",
    ),
    "claimed": ("🚐 Pris par", "🚐 Opgenomen door"),
    "run sheet": ("Feuille de route du mardi 10 mars", "Ritblad van dinsdag 10 maart"),
    "collection": ("📦 Collecté\u202f: 31,5 kg", "📦 Opgehaald: 31,5 kg"),
    "delivery": ("(collecté\u202f: 31,5 kg)", "(opgehaald: 31,5 kg)"),  # one stop got another kg
    "receipt request": ("L'avez-vous bien reçu\u202f?", "Heb je het ontvangen?"),
    "confirmed receipt": ("livrés et reçus", "geleverd en ontvangen"),
    "disputed receipt": ("réception contestée", "ontvangst betwist"),
    "summary": ("Bilan du mardi 10 mars", "Overzicht van dinsdag 10 maart"),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One run of the demo as a person would start it; (exit code, stdout, stderr, seconds)."""
    database = tmp_path_factory.mktemp("demo") / "demo.db"
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL")}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--fast", "--database", str(database)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr, time.monotonic() - started, database


def test_the_demo_plays_the_day_and_leaves_its_database(demo):
    code, out, err, seconds, database = demo
    assert code == 0, err[-3000:]
    assert seconds < 60
    assert "refused none" in out
    assert database.exists() and database.stat().st_size > 0
    assert str(database) in out and "python -m bot report --month 2026-03" in out
    assert "\033[" not in out, "no colours when the output is not a terminal"


def test_every_step_shows_in_french_and_in_dutch(demo):
    out = demo[1]
    missing = [
        f"{step} ({language})"
        for step, words in STEPS.items()
        for language, word in zip(("fr", "nl"), words, strict=True)
        if word not in out
    ]
    assert not missing, missing


def test_exactly_one_driver_wins_the_race(demo):
    out = demo[1]
    [race] = re.findall(r"exactly one wins: (.+?); (.+?) is told it is taken", out)
    assert set(race) == {"Sofie Voorbeeld", "Lucas Exemple"}
    won = out.count("C'est pour vous") + out.count("Hij is voor jou")
    assert won == 2, "the race, then Sofie's claim from the run sheet"
    assert out.count("Trop tard") + out.count("Te laat") == 1


def test_the_transcript_reads_like_a_conversation(demo):
    out = demo[1]
    assert "👤 Marc Exemple (store manager · Supermarché Exemple Flagey · fr)" in out
    assert "👤 Els Voorbeeld (store manager · Supermarché Exemple Jourdan · nl)" in out
    assert "🤖 bot → Ixelles group (Antenne Ixelles-Etterbeek)" in out
    assert "→ presses [ ✅ Confirmer ]" in out and "→ presses [ ✅ Bevestigen ]" in out
    assert "[ ✋ Je la prends · ✋ Ik neem het op ]" in out
    assert "[Tue 10 Mar 07:00]" in out and "[Tue 10 Mar 19:00]" in out
    assert "<b>" not in out and "&amp;" not in out, "HTML is turned into plain text"


def test_a_step_that_does_not_happen_stops_the_demo_clearly(tmp_path, monkeypatch, capsys):
    """The bot runs, but the awaited answer never comes: exit 1 and the step named."""
    from bot.config import load_settings
    from bot.demo import run

    async def stuck(stage, groups):
        stage.say(100003, "/surplus")
        await stage.expect("the echo of the announcement", lambda: False, within=0.5)

    monkeypatch.setattr(run, "play", stuck)
    root = logging.getLogger()
    level = root.level
    try:
        code = run.run_demo(
            load_settings(ROOT / "config.toml"),
            database=tmp_path / "demo.db",
            fast=True,
            out=io.StringIO(),
        )
    finally:
        root.setLevel(level)
    assert code == 1
    err = capsys.readouterr().err
    assert "demo failed: the echo of the announcement: the bot did not answer within 0.5 s" in err


def test_a_configuration_without_the_example_people_is_refused_in_one_line(tmp_path, capsys):
    from bot.config import load_settings
    from bot.demo.run import run_demo

    settings = load_settings(ROOT / "config.toml")
    network = settings.network.model_copy(
        update={"people": [p for p in settings.network.people if p.telegram_id != 100007]}
    )
    settings = settings.model_copy(update={"network": network})
    assert run_demo(settings, database=tmp_path / "demo.db", fast=True) == 2
    err = capsys.readouterr().err
    assert "lacks: driver 100007" in err
    assert not (tmp_path / "demo.db").exists()


def test_the_bots_own_database_is_never_replaced(tmp_path, capsys):
    from bot.config import load_settings
    from bot.demo.run import run_demo

    database = tmp_path / "antenna.db"
    database.write_bytes(b"the bot's data")
    settings = load_settings(ROOT / "config.toml").model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{database}"}
    )
    assert run_demo(settings, database=database, fast=True) == 2
    assert "is the bot's own database" in capsys.readouterr().err
    assert database.read_bytes() == b"the bot's data"


def test_the_database_left_behind_holds_the_day(demo):
    """Every pickup was received; one receipt is disputed, none is left pending."""
    database = demo[4]
    with sqlite3.connect(database) as db:
        donations = db.execute("SELECT status, collected_kg FROM donation ORDER BY id").fetchall()
        receipts = sorted(s for (s,) in db.execute("SELECT status FROM receipt"))
    assert donations == [("received", 31.5), ("received", 31.0)]
    assert receipts.count("disputed") == 1 and "pending" not in receipts
    assert len(receipts) >= 2
