"""Fixtures for the audit tests."""

from __future__ import annotations

import pytest

from harbour.audit.tests.flush import allow_test_flush_of_audit_log


@pytest.fixture(autouse=True, scope="session")
def _audit_log_flushable_in_tests() -> None:
    """Transactional tests on PostgreSQL end with a TRUNCATE the audit table refuses."""
    allow_test_flush_of_audit_log()
