"""The migration scripts build exactly the schema of the models, up and down."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from storage.engine import create_engine, create_session_factory
from storage.migrate import (
    NotMigrated,
    alembic_config,
    current_revision,
    downgrade,
    ensure_migrated,
    head_revision,
    upgrade,
)
from storage.models import Hub

pytestmark = pytest.mark.unmigrated  # each test migrates its database itself


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _schema_differences(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, SQLModel.metadata)


async def _table_names(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda conn: inspect(conn).get_table_names())
    await engine.dispose()
    return set(names)


async def test_stairway(database_url):
    revisions = _revisions()
    assert revisions[0] == "0001"
    for revision in revisions:
        await upgrade(database_url, revision)
        await downgrade(database_url, "-1")
        await upgrade(database_url, revision)

    engine = create_engine(database_url)
    assert await current_revision(engine) == head_revision() == revisions[-1]
    await engine.dispose()

    await downgrade(database_url, "base")
    assert await _table_names(database_url) == {"alembic_version"}


async def test_schema_at_head_matches_models(database_url):
    await upgrade(database_url)
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        differences = await connection.run_sync(_schema_differences)
    await engine.dispose()
    assert differences == []


async def test_ensure_migrated(database_url):
    engine = create_engine(database_url)
    try:
        with pytest.raises(NotMigrated, match="python -m bot migrate"):
            await ensure_migrated(engine)

        await upgrade(database_url)
        await ensure_migrated(engine)

        await downgrade(database_url, "base")
        with pytest.raises(NotMigrated) as raised:
            await ensure_migrated(engine)
        assert raised.value.current is None
        assert raised.value.head == head_revision()
    finally:
        await engine.dispose()


async def test_upgrade_from_inside_running_loop_twice_is_idempotent(database_url):
    await upgrade(database_url)
    await upgrade(database_url)
    engine = create_engine(database_url)
    assert await current_revision(engine) == head_revision()
    await engine.dispose()


async def test_sqlite_file_gets_wal_and_enforced_foreign_keys(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'dir' / 'antenna.db'}"
    await upgrade(url)
    assert (tmp_path / "nested" / "dir" / "antenna.db").exists()

    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            journal = await connection.scalar(text("PRAGMA journal_mode"))
            foreign_keys = await connection.scalar(text("PRAGMA foreign_keys"))
            busy_timeout = await connection.scalar(text("PRAGMA busy_timeout"))
        assert (journal, foreign_keys, busy_timeout) == ("wal", 1, 5000)

        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            async with create_session_factory(engine)() as session:
                session.add(Hub(key="orphan", antenna_id=999, name="Orphan hub"))
                await session.commit()
    finally:
        await engine.dispose()


async def test_categories_seeded_before_the_dates_get_the_date_their_food_carries(database_url):
    """An existing network's chilled categories ask for a use-by date after the upgrade."""
    await upgrade(database_url, "0007")
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        for key, cold in (("yaourts", "chilled"), ("glaces", "frozen"), ("pain", "ambient")):
            await connection.execute(
                text(
                    "INSERT INTO category (key, name_fr, name_nl, synonyms_fr, synonyms_nl, "
                    "cold_chain) VALUES (:key, :key, :key, '[]', '[]', :cold)"
                ),
                {"key": key, "cold": cold},
            )
    await upgrade(database_url)
    async with engine.connect() as connection:
        kinds = dict((await connection.execute(text("SELECT key, date_kind FROM category"))).all())
    await engine.dispose()
    assert kinds == {"yaourts": "use_by", "glaces": "best_before", "pain": "none"}
