"""The lean HTTP path's database access (shared/http/lean_db.py) on the suite's real PostgreSQL: Core statements
through psycopg's AsyncConnection from sync code in a greenlet, errors as SQLAlchemy's, and a fair pool."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.exc import IntegrityError, NoResultFound
from sqlalchemy.util import greenlet_spawn

from shared.http.lean_db import LeanConnection, LeanPool

probe = Table("lean_probe", MetaData(), Column("id", Integer, primary_key=True), Column("name", String))


def use_case(conn: LeanConnection) -> dict:
    """Sync code as a service writes it: DDL-free statements on a temporary table of this session."""
    conn.execute(insert(probe), [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}, {"id": 3, "name": "three"}])
    named = conn.execute(insert(probe).values(id=4, name="four").returning(probe.c.id, probe.c.name)).one()
    picked = conn.scalars(select(probe.c.name).where(probe.c.id.in_([1, 3, 4])).order_by(probe.c.id)).all()
    return {
        "returned": (named.id, named.name),
        "picked": picked,
        "count": conn.scalar(select(func.count()).select_from(probe)),
        "none": conn.execute(select(probe).where(probe.c.id == 99)).first(),
    }


def test_statements_run_from_sync_code_and_errors_are_sqlalchemys(settings):
    async def scenario() -> tuple[dict, type, type]:
        pool = LeanPool(settings.database_url, size=1)
        driver = await pool.acquire()
        try:
            await driver.execute("CREATE TEMP TABLE lean_probe (id int PRIMARY KEY, name text)")
            conn = LeanConnection(driver)
            found = await greenlet_spawn(use_case, conn)
            with pytest.raises(IntegrityError) as duplicate:  # as the engine would raise it: the handlers give 409
                await greenlet_spawn(conn.execute, insert(probe).values(id=1, name="again"))
            with pytest.raises(NoResultFound) as missing:
                await greenlet_spawn(lambda: conn.execute(select(probe).where(probe.c.id == 99)).one())
            return found, type(duplicate.value), type(missing.value)
        finally:
            await pool.release(driver)
            await pool.close()

    found, duplicate, missing = asyncio.run(scenario())
    assert found == {"returned": (4, "four"), "picked": ["one", "three", "four"], "count": 4, "none": None}
    assert duplicate is IntegrityError and missing is NoResultFound


def test_a_freed_connection_goes_to_the_longest_waiting_request(settings):
    async def scenario() -> list[str]:
        pool = LeanPool(settings.database_url, size=1)
        served: list[str] = []
        held = await pool.acquire()

        async def request(name: str) -> None:
            driver = await pool.acquire()
            served.append(name)
            await pool.release(driver)

        first = asyncio.create_task(request("first"))
        await asyncio.sleep(0)  # "first" is now waiting
        second = asyncio.create_task(request("second"))
        await asyncio.sleep(0)
        await pool.release(held)
        # A newcomer arriving right after the release must queue behind both waiters, not take the slot.
        await asyncio.gather(first, second, request("newcomer"))
        await pool.close()
        return served

    assert asyncio.run(scenario()) == ["first", "second", "newcomer"]


def test_a_connection_left_in_a_transaction_is_not_reused(settings):
    async def scenario() -> bool:
        pool = LeanPool(settings.database_url, size=1)
        driver = await pool.acquire()
        await driver.execute("BEGIN")  # as if a unit of work had failed to end its transaction
        await pool.release(driver)
        again = await pool.acquire()
        fresh = again is not driver and driver.closed
        await pool.release(again)
        await pool.close()
        return fresh

    assert asyncio.run(scenario())


def savepoints(conn: LeanConnection) -> list[str]:
    """Sync code as the offline sync writes it: SQL text, and an operation undone alone by its savepoint."""
    conn.exec_driver_sql("INSERT INTO lean_probe (id, name) VALUES (%(id)s, %(name)s)", {"id": 1, "name": "kept"})
    undone = conn.begin_nested()
    conn.execute(insert(probe).values(id=2, name="undone"))
    undone.rollback()
    kept = conn.begin_nested()
    conn.execute(insert(probe).values(id=3, name="released"))
    kept.commit()
    return list(conn.exec_driver_sql("SELECT name FROM lean_probe ORDER BY id").scalars())


def test_sql_text_and_savepoints_inside_a_transaction(settings):
    async def scenario() -> tuple[list[str], list[str]]:
        pool = LeanPool(settings.database_url, size=1)
        driver = await pool.acquire()
        try:
            await driver.execute("CREATE TEMP TABLE lean_probe (id int PRIMARY KEY, name text)")
            await driver.execute("BEGIN")
            inside = await greenlet_spawn(savepoints, LeanConnection(driver))
            await driver.execute("COMMIT")
            cursor = await driver.execute("SELECT name FROM lean_probe ORDER BY id")
            return inside, [row[0] for row in await cursor.fetchall()]
        finally:
            await pool.release(driver)
            await pool.close()

    inside, committed = asyncio.run(scenario())
    assert inside == ["kept", "released"]
    assert committed == ["kept", "released"]
