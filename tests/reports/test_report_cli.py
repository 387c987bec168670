"""``python -m bot report``: the report printed in the chosen language and nothing else on
standard output, its files written into ``--out`` (``reports/`` by default, ignored by git)."""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from bot.reports.cli import run_report
from tests.reports.test_reports import insert_rows

ROOT = Path(__file__).resolve().parents[2]


def arguments(**given) -> argparse.Namespace:
    values = {"month": "2026-02", "antenna": "ixelles", "out": "reports", "lang": "fr"}
    return argparse.Namespace(**{**values, "database": None, **given})


async def test_the_command_line_prints_and_writes(
    settings, session_factory, clock, tmp_path, capsys
):
    await insert_rows(session_factory)
    args = arguments(out=str(tmp_path / "out"), lang="nl")
    assert await asyncio.to_thread(run_report, settings, args, clock) == 0
    out = capsys.readouterr().out
    assert "Verslag van februari 2026 (1–28 februari 2026)" in out and "118,8 kg" in out
    assert "Wie het vaak doet: februari 2026" in out and "<b>" not in out
    assert f"geschreven: {tmp_path / 'out' / 'verslag-2026-02.csv'}" in out
    assert "written" not in out
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["verslag-2026-02.csv", "verslag-2026-02.png", "verslag-2026-02.xlsx"]
    book = openpyxl.load_workbook(tmp_path / "out" / "verslag-2026-02.xlsx")
    assert book["Overzicht"]["B3"].value == 118.75
    assert book["Betrouwbaarheid"]["A1"].value == "Naam van de antenne"


@pytest.mark.parametrize(
    ("given", "lang", "said"),
    [
        (
            {"antenna": "nowhere"},
            "fr",
            "aucune antenne «\u202fnowhere\u202f» (antennes\u202f: ixelles, ",
        ),
        ({"antenna": "nowhere"}, "nl", "geen antenne „nowhere” (antennes: ixelles, "),
        ({"month": "2026-13"}, "nl", "--month 2026-13: geen maand"),
        ({"month": "2027-01"}, "fr", "--month 2027-01\u202f: ce mois n'a pas encore commencé"),
    ],
)
async def test_mistakes_are_told_in_the_chosen_language(
    settings, clock, capsys, tmp_path, given, lang, said
):
    args = arguments(out=str(tmp_path / "out"), lang=lang, **given)
    assert await asyncio.to_thread(run_report, settings, args, clock) == 2
    captured = capsys.readouterr()
    assert said in captured.err and captured.out == ""
    assert not (tmp_path / "out").exists()


def test_the_files_go_to_reports_by_default_which_git_ignores():
    from bot.__main__ import parse_args

    args = parse_args(["report", "--month", "2026-02", "--antenna", "ixelles", "--lang", "nl"])
    assert (args.command, args.month, args.antenna, args.lang, args.out) == (
        "report",
        "2026-02",
        "ixelles",
        "nl",
        "reports",
    )
    # Anchored at the project's root: the rules' package logistics/reports stays in git.
    assert "/reports/" in (ROOT / ".gitignore").read_text().splitlines()
    with pytest.raises(SystemExit):
        parse_args(["report", "--lang", "en"])


async def test_standard_output_holds_the_report_alone(settings, session_factory, tmp_path):
    """The real command in its own process, logging at INFO: library lines (Alembic's) go to
    standard error, the files to ``reports/`` of the working folder."""
    await insert_rows(session_factory)
    command = [sys.executable, "-m", "bot", "report", "--config", str(ROOT / "config.toml")]
    command += ["--month", "2026-02", "--antenna", "ixelles", "--lang", "fr"]
    command += ["--database", settings.database_url]
    environment = {**os.environ, "LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT)}
    environment.pop("DATABASE_URL", None)
    done = await asyncio.to_thread(
        subprocess.run,
        command,
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "📈 Rapport de février 2026 (1–28 février 2026)"
    assert lines[-3:] == [
        f"écrit\u202f: reports/rapport-2026-02.{ext}" for ext in ("csv", "xlsx", "png")
    ]
    assert not any(" INFO " in line or "WARNING" in line for line in lines)
    assert "INFO alembic" in done.stderr, "the logs are there, on standard error"
    written = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert written == ["rapport-2026-02.csv", "rapport-2026-02.png", "rapport-2026-02.xlsx"]
