"""A connection to the audit schema whose work is rolled back after each test."""

import pytest


@pytest.fixture
def audit_conn(engines):
    with engines["audit"].connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()
