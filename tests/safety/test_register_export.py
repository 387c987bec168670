"""``python -m bot register``: the register of a seeded month written as XLSX, CSV and PDF in
French and in Dutch, parsed back: the right lines, the network's, antenna's and association's
names and the period at the head; standard output lists the files written and nothing else."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from bot.safety.register_cli import run_register
from tests.safety.register_world import build_register_world

ROOT = Path(__file__).resolve().parents[2]
NNBSP = "\u202f"


def arguments(**given) -> argparse.Namespace:
    values = {
        "antenna": "ixelles",
        "first": "2026-03-01",
        "last": "2026-03-10",
        "association": None,
        "hub": None,
        "out": "reports",
        "lang": "fr",
        "database": None,
    }
    return argparse.Namespace(**{**values, **given})


async def seeded(session_factory, now) -> None:
    async with session_factory() as session:
        await build_register_world(session, now)


def pdf_words(pdf: PdfReader) -> str:
    """The PDF's text, a cell's wrapped lines joined again (narrow no-break spaces kept)."""
    return re.sub(r"[ \n]+", " ", " ".join(page.extract_text() for page in pdf.pages))


def table(sheet) -> tuple[list[str], list[list], list[str]]:
    """The header lines above the table, its header row and its rows."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(rows) if r[1] is not None)
    return [r[0] for r in rows[:top] if r[0]], rows[top], rows[top + 1 :]


async def run(settings, clock, capsys, args) -> tuple[int, str, str]:
    code = await asyncio.to_thread(run_register, settings, args, clock)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


async def test_the_antenna_register_in_french(
    settings, session_factory, clock, now, tmp_path, capsys
):
    await seeded(session_factory, now)
    out = tmp_path / "out"
    code, stdout, _ = await run(settings, clock, capsys, arguments(out=str(out)))
    assert code == 0
    stem = "registre-ixelles-2026-03-01-2026-03-10"
    assert stdout.splitlines() == [str(out / f"{stem}.{ext}") for ext in ("xlsx", "csv", "pdf")]

    book = openpyxl.load_workbook(out / f"{stem}.xlsx")
    head, headers, rows = table(book.active)
    assert head == [
        "Registre de traçabilité",
        f"Réseau{NNBSP}: Réseau Exemple d'aide alimentaire",
        f"Antenne{NNBSP}: Antenne Ixelles-Etterbeek",
        f"Période{NNBSP}: 1–10 mars 2026",
        f"DLC{NNBSP}: à consommer jusqu'au{NNBSP}; DDM{NNBSP}: à consommer de préférence avant.",
        f"≈{NNBSP}: la part du poids d'une livraison répartie entre ses produits au prorata de "
        "leurs poids collectés, non pesée produit par produit.",
    ]
    assert headers[:8] == [
        "Date et heure",
        "Mouvement",
        "Magasin (donateur)",
        "De",
        "À",
        "Produit",
        "Catégorie",
        "kg",
    ]
    assert len(rows) == 10
    yoghurt = rows[2]
    assert yoghurt[0] == datetime(2026, 3, 3, 19, 0)  # local time, Brussels
    assert yoghurt[1:8] == [
        "Livraison",
        "Supermarché Exemple Flagey",
        "Sofie Voorbeeld",
        "Épicerie sociale Exemple Ixelles",
        "12 kg yaourts",
        "Produits laitiers",
        11.5,
    ]
    assert yoghurt[8:] == [
        "≈",
        "12 kg",
        "DLC",
        datetime(2026, 3, 6),
        "L-YAO-42",
        "frais",
        "Sofie Voorbeeld",
        f"À ne pas distribuer{NNBSP}: arrivé trop chaud",
    ]
    assert rows[0][1] == "Collecte" and rows[0][4] == "Sofie Voorbeeld"
    assert rows[6][-1] == "Enregistré comme perdu" and rows[6][7] == 7.5
    assert rows[9][10:13] == [
        "DDM",
        datetime(2027, 12, 31),
        "CNS-2027",
    ]

    text = (out / f"{stem}.csv").read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    records = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert records[0] == ["Registre de traçabilité"]
    body = records[records.index([]) + 2 :]
    assert body[2][:8] == [
        "03/03/2026 19:00",
        "Livraison",
        "Supermarché Exemple Flagey",
        "Sofie Voorbeeld",
        "Épicerie sociale Exemple Ixelles",
        "12 kg yaourts",
        "Produits laitiers",
        "11,5",
    ]
    assert body[2][11:13] == ["06/03/2026", "L-YAO-42"]
    assert len(body) == 10

    pdf = PdfReader(out / f"{stem}.pdf")
    words = pdf_words(pdf)
    assert "Registre de traçabilité" in words
    assert f"Réseau{NNBSP}: Réseau Exemple d'aide alimentaire" in words
    assert f"Période{NNBSP}: 1–10 mars 2026" in words
    for value in ("L-YAO-42", "VND-7", "CNS-2027", "06/03/2026", "31/12/2027", "11,5"):
        assert value in words, value
    assert "Enregistré comme perdu" in words and "arrivé trop chaud" in words
    # on paper, the estimate mark goes with the kg and the kind of date with the date
    assert "Produits laitiers ≈ 11,5 12 kg DLC 06/03/2026 L-YAO-42 frais" in words
    assert "DDM 31/12/2027 CNS-2027" in words
    assert f"page 1 / {len(pdf.pages)}" in words


async def test_an_association_register_in_dutch(
    settings, session_factory, clock, now, tmp_path, capsys
):
    await seeded(session_factory, now)
    out = tmp_path / "out"
    args = arguments(out=str(out), lang="nl", association="epicerie-ixelles", first="2026-02-01")
    code, stdout, _ = await run(settings, clock, capsys, args)
    assert code == 0
    stem = "register-epicerie-ixelles-2026-02-01-2026-03-10"
    assert [Path(p).name for p in stdout.splitlines()] == [
        f"{stem}.xlsx",
        f"{stem}.csv",
        f"{stem}.pdf",
    ]
    head, headers, rows = table(openpyxl.load_workbook(out / f"{stem}.xlsx").active)
    assert head[:5] == [
        "Traceerbaarheidsregister",
        "Netwerk: Réseau Exemple d'aide alimentaire",
        "Antenne: Antenne Ixelles-Etterbeek",
        "Vereniging: Épicerie sociale Exemple Ixelles",
        "Periode: 1 februari 2026 – 10 maart 2026",
    ]
    assert headers[1] == "Beweging" and headers[-2:] == ["Vervoerd door", "Opmerking"]
    assert [(r[1], r[5], r[7], r[13], r[15]) for r in rows] == [
        ("Levering", "5 kg pain", 5.0, "kamertemperatuur", None),
        ("Levering", "12 kg yaourts", 11.5, "gekoeld", "Niet verdelen: te warm aangekomen"),
        ("Levering", "8 kg pain", 7.0, "kamertemperatuur", None),
    ]
    assert rows[1][10] == "TGT"
    records = list(
        csv.reader(io.StringIO((out / f"{stem}.csv").read_text("utf-8-sig")), delimiter=";")
    )
    assert ["Vereniging: Épicerie sociale Exemple Ixelles"] in records
    assert records[-2][1:8] == [
        "Levering",
        "Supermarché Exemple Flagey",
        "Sofie Voorbeeld",
        "Épicerie sociale Exemple Ixelles",
        "12 kg yaourts",
        "Zuivel",
        "11,5",
    ]
    words = pdf_words(PdfReader(out / f"{stem}.pdf"))
    assert "Traceerbaarheidsregister" in words and "Vereniging: Épicerie sociale" in words
    assert "Niet verdelen: te warm aangekomen" in words and "pagina 1 / 1" in words
    assert "VND-7" not in words, "another association's lines are not there"


@pytest.mark.parametrize(
    ("given", "lang", "said"),
    [
        ({"antenna": "nowhere"}, "fr", f"aucune antenne «{NNBSP}nowhere{NNBSP}»"),
        (
            {"association": "colis-schaerbeek"},
            "nl",
            "geen vereniging „colis-schaerbeek” in de antenne",
        ),
        ({"hub": "nowhere"}, "fr", f"aucun hub «{NNBSP}nowhere{NNBSP}» dans l'antenne"),
        ({"first": "2026-13-01"}, "fr", f"--from 2026-13-01{NNBSP}: pas un jour"),
        ({"first": "2026-03-10", "last": "2026-03-01"}, "nl", "--to valt voor --from"),
    ],
)
async def test_mistakes_are_told_in_the_chosen_language(
    settings, clock, capsys, tmp_path, given, lang, said
):
    args = arguments(out=str(tmp_path / "out"), lang=lang, **given)
    code, stdout, stderr = await run(settings, clock, capsys, args)
    assert code == 2 and said in stderr and stdout == ""
    assert not (tmp_path / "out").exists()


async def test_a_hub_register(settings, session_factory, clock, now, tmp_path, capsys):
    await seeded(session_factory, now)
    out = tmp_path / "out"
    code, stdout, _ = await run(settings, clock, capsys, arguments(out=str(out), hub="hub-ixelles"))
    assert code == 0
    head, _headers, rows = table(openpyxl.load_workbook(stdout.splitlines()[0]).active)
    assert f"Hub{NNBSP}: Hub Exemple Ixelles" in head
    assert [(r[1], r[4], r[5], r[7]) for r in rows] == [
        ("Livraison", "Hub Exemple Ixelles", "20 kg conserves", 20.0)
    ]


def test_the_files_go_to_reports_by_default():
    from bot.__main__ import parse_args

    args = parse_args(["register", "--antenna", "ixelles", "--from", "2026-03-01"])
    assert (args.command, args.antenna, args.first, args.last, args.out, args.lang) == (
        "register",
        "ixelles",
        "2026-03-01",
        None,
        "reports",
        "fr",
    )


async def test_standard_output_lists_the_files_alone(settings, session_factory, now, tmp_path):
    """The real command in its own process, logging at INFO: the logs go to standard error."""
    await seeded(session_factory, now)
    command = [sys.executable, "-m", "bot", "register", "--config", str(ROOT / "config.toml")]
    command += ["--antenna", "ixelles", "--from", "2026-03-01", "--to", "2026-03-10"]
    command += ["--lang", "nl", "--database", settings.database_url]
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
    stem = "reports/register-ixelles-2026-03-01-2026-03-10"
    assert done.stdout.splitlines() == [f"{stem}.{ext}" for ext in ("xlsx", "csv", "pdf")]
    assert "INFO alembic" in done.stderr
