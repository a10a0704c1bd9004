"""Suite-wide pytest set-up: database-specific tests, the browser, and CI's no-skip rule.

- ``@pytest.mark.postgres_only`` tests skip on SQLite, ``@pytest.mark.sqlite_only`` on PostgreSQL
  (CI runs the suite on both, so each runs once).
- ``@pytest.mark.browser`` tests drive Debian's Chromium (``/usr/bin/chromium``) through Playwright.
- With ``HARBOUR_CI=1`` any skip is a failure, except those database-specific skips:
  CI must never go green because something quietly did not run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

CHROMIUM = os.environ.get("HARBOUR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if item.get_closest_marker("postgres_only") and _is_sqlite():
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (CI runs it there)"))
        if item.get_closest_marker("sqlite_only") and not _is_sqlite():
            item.add_marker(pytest.mark.skip(reason="checks SQLite behaviour (CI runs it there)"))
        if item.get_closest_marker("browser"):
            os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
            if not (shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)):
                item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if not os.environ.get("HARBOUR_CI") or not report.skipped:
        return
    allowed = (item.get_closest_marker("postgres_only") is not None and _is_sqlite()) or (
        item.get_closest_marker("sqlite_only") is not None and not _is_sqlite()
    )
    if not allowed:
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, where it must run: {report.longrepr}"


@pytest.fixture(autouse=True, scope="session")
def _audit_log_flushable_in_tests() -> None:
    """Transactional and browser tests on PostgreSQL end with a TRUNCATE that the append-only
    audit table refuses; let the test runner's flush through, as a DBA would."""
    from harbour.audit.tests.flush import allow_test_flush_of_audit_log

    allow_test_flush_of_audit_log()


@pytest.fixture(autouse=True)
def _matching_register_sees_each_test(settings: Any) -> Iterator[None]:
    """The in-process matching register is read afresh for each test and re-polled on every
    call, so no test sees another's (rolled-back) persons or misses its own."""
    from harbour.matching.sources import reset_register

    settings.HARBOUR_MATCHING = {**settings.HARBOUR_MATCHING, "REFRESH_SECONDS": 0}
    reset_register()
    yield
    reset_register()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Debian Chromium for the session (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
