"""The return interview clock: when the offer is due, as a Python value and as SQL.

The statutory requirement (DfE statutory guidance on children who run away or go missing from
home or care, 2014) is that the interview is **offered** within 72 hours of the child's return;
the interview itself may take place later, when the child agrees. So the clock is met by the
offer, not the conversation (ADR 0009).

The due time is the episode's ``interview_due_at``, set on return by the missing app's versioned
clock policy. For an episode without one (recorded before the clock policy, or imported), the
due time is the return plus the statutory 72 hours, so every returned episode has a clock.
"""

from __future__ import annotations

import datetime

from django.db.models import DateTimeField, ExpressionWrapper, F, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

#: The statutory window for the offer, used when the episode carries no due time of its own.
STATUTORY_OFFER_WINDOW = datetime.timedelta(hours=72)


def due_at_of(
    *, returned_at: datetime.datetime | None, interview_due_at: datetime.datetime | None
) -> datetime.datetime | None:
    """When the offer is due for an episode: its own due time, else return + 72 hours."""
    if interview_due_at is not None:
        return interview_due_at
    if returned_at is None:
        return None
    return returned_at + STATUTORY_OFFER_WINDOW


def due_at_expression(prefix: str = "") -> Coalesce:
    """The same as ``due_at_of`` in SQL, for a query on episodes (``prefix=""``) or on a model
    that reaches the episode through ``prefix`` (``"episode__"``)."""
    statutory: Combinable = ExpressionWrapper(
        F(f"{prefix}returned_at") + Value(STATUTORY_OFFER_WINDOW),
        output_field=DateTimeField(),
    )
    return Coalesce(F(f"{prefix}interview_due_at"), statutory, output_field=DateTimeField())
