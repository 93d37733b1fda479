"""A 2xx means committed, checked from outside: the targets API served by uvicorn in its own process (as deployed),
driven over TCP by httpx, on the suite's database."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
from sqlalchemy import create_engine, text

from services.targets.db import SCHEMA
from shared.runtime.broker import free_port
from shared.runtime.stack import ROOT, wait_ready
from tests.support import unique


@pytest.fixture(scope="module")
def targets_url(infra, tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("targets-api") / "api.log"
    with open(log, "ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "shared.cli", "api", "targets", "--port", str(port)],
            cwd=ROOT,
            env={**os.environ, "LOG_LEVEL": "WARNING"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready([url])
        yield url
    finally:
        server.terminate()
        server.wait(20)


@pytest.fixture
def api(targets_url, admin):
    with httpx.Client(base_url=targets_url, headers=admin, timeout=30) as client:
        yield client


@pytest.fixture
def admin_engine(settings):
    engine = create_engine(settings.database_url)
    yield engine
    engine.dispose()


def company(code: str, name: str = "Committed") -> dict:
    return {"kind": "company", "code": code, "name": name}


def test_a_create_is_readable_as_soon_as_its_201_arrives(api):
    misses = []
    for _ in range(1000):
        created = api.post("/org-units", json=company(unique("C")))
        assert created.status_code == 201, created.text
        read = api.get(f"/org-units/{created.json()['id']}")
        if read.status_code != 200:
            misses.append(read.status_code)
    assert misses == []


@pytest.fixture
def fails_at_commit(admin_engine):
    """A deferred constraint trigger, checked at COMMIT, refusing org units with a given name; dropped after."""

    def install(name: str, body: str) -> None:
        with admin_engine.begin() as conn:
            conn.execute(
                text(f"""
                CREATE FUNCTION {SCHEMA}.refuse_at_commit() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
                AS $$ BEGIN {body}; RETURN NULL; END $$;
                CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON {SCHEMA}.org_units
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.name = '{name}')
                EXECUTE FUNCTION {SCHEMA}.refuse_at_commit();
                """)
            )

    yield install
    with admin_engine.begin() as conn:
        conn.execute(text(f"DROP TRIGGER IF EXISTS refuse_at_commit ON {SCHEMA}.org_units"))
        conn.execute(text(f"DROP FUNCTION IF EXISTS {SCHEMA}.refuse_at_commit()"))


def stored(admin_engine, code: str) -> int:
    with admin_engine.connect() as conn:
        return conn.scalar(text(f"SELECT count(*) FROM {SCHEMA}.org_units WHERE code = :code"), {"code": code})


@pytest.mark.parametrize("errcode", ["serialization_failure", "unique_violation"])
def test_a_commit_that_fails_is_a_409_and_stores_nothing(api, admin_engine, fails_at_commit, errcode):
    fails_at_commit("conflict-at-commit", f"RAISE EXCEPTION 'refused at commit' USING ERRCODE = '{errcode}'")
    code = unique("C")
    answer = api.post("/org-units", json=company(code, "conflict-at-commit"))
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    assert "refused at commit" not in answer.text  # the database's words stay in the log
    assert stored(admin_engine, code) == 0
    assert api.post("/org-units", json=company(unique("C"))).status_code == 201  # the API goes on working


def test_a_database_lost_at_commit_is_a_503_with_retry_after(api, admin_engine, fails_at_commit):
    fails_at_commit("lost-at-commit", "PERFORM pg_terminate_backend(pg_backend_pid())")
    code = unique("C")
    answer = api.post("/org-units", json=company(code, "lost-at-commit"))
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert answer.json()["status"] == 503
    assert stored(admin_engine, code) == 0
    # The pool drops the dead connection; the next request is served normally.
    assert api.post("/org-units", json=company(unique("C"))).status_code == 201
