"""Showing an imported row's cleaned values the way the rest of Harbour shows them."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import template

register = template.Library()

_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


@register.filter
def import_value(value: Any) -> Any:
    """Dates (stored as ISO text, possibly partial) as "2 January 2010" or "January 2010";
    a partial-date mapping by its ``partial`` text; anything else as it is."""
    if isinstance(value, dict) and "date" in value:
        value = value.get("partial") or value["date"]
    if isinstance(value, str):
        try:
            if _FULL_DATE.match(value):
                day = datetime.date.fromisoformat(value)
                return f"{day.day} {day:%B %Y}"
            if _MONTH.match(value):
                return f"{datetime.date.fromisoformat(value + '-01'):%B %Y}"
        except ValueError:
            return value
    return value
