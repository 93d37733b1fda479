"""The lean HTTP path's database access (shared/http/lean_db.py) on the suite's real PostgreSQL: Core statements
through psycopg's AsyncConnection from sync code in a greenlet, errors as SQLAlchemy's, and a fair pool."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, func, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, NoResultFound
from sqlalchemy.util import greenlet_spawn

from shared.http.lean_db import LeanConnection, LeanPool, fetch_together

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


def together(conn: LeanConnection) -> tuple[list[list], list]:
    """Four reads in one batch, one of them finding nothing; then two reads one after the other."""
    batch = fetch_together(
        conn,
        (select(func.now()), {}),
        (select(probe.c.name).where(probe.c.id <= bindparam("upto")).order_by(probe.c.id), {"upto": 2}),
        (select(probe.c.name).where(probe.c.id == 99), {}),
        (select(func.now().label("at"), func.count().label("n")).select_from(probe), {}),
    )
    apart = [conn.scalar(select(func.now())) for _ in range(2)]
    return batch, apart


def test_reads_fetched_together_come_back_in_order_from_one_round_trip(settings):
    async def scenario() -> tuple[list[list], list, type, list]:
        pool = LeanPool(settings.database_url, size=1)
        driver = await pool.acquire()
        try:
            await driver.execute("CREATE TEMP TABLE lean_probe (id int PRIMARY KEY, name text)")
            await driver.execute("INSERT INTO lean_probe VALUES (1, 'one'), (2, 'two'), (3, 'three')")
            conn = LeanConnection(driver)
            batch, apart = await greenlet_spawn(together, conn)
            with pytest.raises(DBAPIError) as failed:  # the first failure, as SQLAlchemy's; the rest skipped
                await greenlet_spawn(
                    fetch_together, conn, (select(1 / bindparam("zero")), {"zero": 0}), (select(1), {})
                )
            after = await greenlet_spawn(lambda: conn.scalars(select(probe.c.name).where(probe.c.id == 3)).all())
            return batch, apart, type(failed.value.orig), after
        finally:
            await pool.release(driver)
            await pool.close()

    ([(first,)], names, nothing, [(last, n)]), apart, failure, after = asyncio.run(scenario())
    assert [r.name for r in names] == ["one", "two"] and nothing == [] and n == 3
    # now() is when the transaction began: the batch's statements shared one (sent with a single Sync, so in one
    # round trip), where statements sent one by one did not
    assert first == last and apart[0] != apart[1]
    assert failure is psycopg.errors.DivisionByZero
    assert after == ["three"]  # the connection is usable after a failed batch
