"""`python -m bot run` as a real process: languages, restart, SIGTERM, clear refusals.

The process reads the real clock: at some hours of some days it writes first (a run sheet
caught up at start, a store asked about its recurring pickup). The fake server knows every
chat the bot may write to, so nothing is refused whatever the hour; `.ci/run` runs these
tests again under libfaketime at chosen instants (see the README).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest

from tests.harness import ROOT, TOKEN

pytestmark = pytest.mark.process


def bot_env(database_url: str, api_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "BOT_TOKEN")}
    env.update(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api_url, DATABASE_URL=database_url)
    return env


def know_the_network(fake_api, settings) -> None:
    """Every chat the bot may write to on its own at some hour of the real day: the network's
    people (a store asked about its recurring pickup, coordinators' summaries) and the
    antennas' groups (a run sheet caught up at start)."""
    for person in settings.network.people:
        fake_api.user(person.telegram_id, first_name=person.name)
    for antenna in settings.network.antennas:
        if antenna.group_chat_id is not None:
            fake_api.group(antenna.group_chat_id, title=antenna.name)


async def start_bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(ROOT / "config.toml"),
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def stop_bot(process: asyncio.subprocess.Process) -> tuple[int, bytes]:
    """SIGTERM, and the process must be gone within 5 seconds with exit code 0."""
    process.send_signal(signal.SIGTERM)
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=5)
    except TimeoutError:
        process.kill()  # leave no stray bot behind before failing
        await process.wait()
        raise AssertionError("the bot did not stop within 5 seconds of SIGTERM") from None
    return process.returncode, stderr


async def ask(fake, user, text: str) -> str:
    fake.send_text(user, text)
    calls = await fake.wait_for(method="sendMessage", chat_id=user["id"], timeout=20)
    return calls[-1].params["text"]


async def test_run_serves_both_languages_and_stops_on_sigterm(settings, fake_api):
    env = bot_env(settings.database_url, fake_api.base_url)
    nl = fake_api.user(601, first_name="Sanne", language_code="nl")
    fr = fake_api.user(602, first_name="Amélie", language_code="fr")
    de = fake_api.user(603, first_name="Jonas", language_code="de")
    know_the_network(fake_api, settings)

    process = await start_bot(env)
    await fake_api.wait_for(method="setMyCommands", count=3, timeout=30)
    assert (await ask(fake_api, nl, "/start")).startswith("Hallo Sanne!")
    assert (await ask(fake_api, fr, "/start")).startswith("Bonjour Amélie\u202f!")
    prompt = await ask(fake_api, de, "/start")
    assert "Quelle langue" in prompt and "Welke taal" in prompt
    await ask(fake_api, fr, "/lang")
    fake_api.press_button(fr, fake_api.last_message(fr["id"]), "lg:nl")
    await fake_api.wait_for(method="editMessageText", chat_id=fr["id"], timeout=20)
    code, stderr = await stop_bot(process)
    assert code == 0, stderr.decode()
    assert TOKEN not in stderr.decode()

    process = await start_bot(env)
    assert (await ask(fake_api, fr, "/start")).startswith("Hallo Amélie!")
    code, stderr = await stop_bot(process)
    assert code == 0, stderr.decode()
    assert fake_api.refused == []


async def test_run_refuses_an_unmigrated_database(tmp_path, fake_api):
    env = bot_env(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}", fake_api.base_url)
    process = await start_bot(env)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert "python -m bot migrate" in stderr.decode()
    assert "Traceback" not in stderr.decode()
    assert fake_api.requests == []


async def test_a_bad_config_file_is_explained(tmp_path):
    bad = tmp_path / "config.toml"
    bad.write_text(
        (ROOT / "config.toml")
        .read_text()
        .replace('run_sheet_time = "07:00"', 'run_sheet_time = "7h"', 1)
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(bad),
        cwd=ROOT, env=bot_env("sqlite+aiosqlite:///:memory:", "http://127.0.0.1:9"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    message = stderr.decode()
    assert process.returncode == 2
    assert "run_sheet_time" in message and str(bad) in message
    assert "Traceback" not in message
