"""Imported values shown as Harbour shows them elsewhere."""

import pytest

from harbour.imports.templatetags.import_values import import_value


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2010-01-02", "2 January 2010"),
        ("2010-11", "November 2010"),
        ("2010-02-31", "2010-02-31"),
        ({"date": "2011-04-09", "partial": ""}, "9 April 2011"),
        ("Okafor", "Okafor"),
        (None, None),
    ],
)
def test_import_value(stored, shown):
    assert import_value(stored) == shown
