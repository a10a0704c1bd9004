"""Assessments for tests, built through the services as views, the API and imports build them.

``answers_for`` gives a complete set of answers (every indicator "no" unless overridden);
``yes()`` is a valid "yes" answer; ``complete`` calls ``services.assessment_complete`` with
valid inputs that a test overrides one at a time; ``form_data`` is what the page posts.
"""

from __future__ import annotations

import dataclasses
import datetime
import shutil
from pathlib import Path
from typing import Any

from django.utils import timezone

from harbour.accounts.models import Agency, AgencyType, Area, Role, User
from harbour.accounts.tests.factories import AgencyFactory, AreaFactory, user_with_role
from harbour.assessments import services
from harbour.assessments.catalogue import CATALOGUE_DIR, Catalogue, catalogue_for_area
from harbour.assessments.models import Assessment, SeenAlone, StartedFrom
from harbour.assessments.suggestion import AnswerInput, suggest
from harbour.people.models import Person
from harbour.people.tests.factories import PersonFactory

NARRATIVE = "Seen twice this month getting into a car with two older men outside school."


def yes(narrative: str = NARRATIVE, recency: str = "last_6_months") -> AnswerInput:
    return AnswerInput(answer="yes", recency=recency, narrative=narrative)


def answers_for(
    catalogue: Catalogue, default: str = "no", **overrides: AnswerInput | str
) -> dict[str, AnswerInput]:
    """Every indicator answered ``default``; ``learning_disability=yes()`` or ``="not_known"``
    overrides one."""
    answers = {indicator.id: AnswerInput(answer=default) for indicator in catalogue.indicators}
    for indicator_id, value in overrides.items():
        answers[indicator_id] = AnswerInput(answer=value) if isinstance(value, str) else value
    return answers


def born_years_ago(years: int, days_more: int = 30) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days_more)


@dataclasses.dataclass
class Partnership:
    """One area with a children's social care front door (which assesses), a lead
    professional in the same agency, a police team, and a child the agency knows."""

    area: Area
    csc: Agency
    police: Agency
    front_door: User
    lead: User
    child: Person


def partnership(code: str = "northbrook", name: str = "Northbrook") -> Partnership:
    area = AreaFactory(code=code, name=name)
    csc = AgencyFactory(
        name=f"{name} Children's Services",
        agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
        areas=[area],
    )
    police = AgencyFactory(name=f"{name} Police", agency_type=AgencyType.POLICE, areas=[area])
    return Partnership(
        area=area,
        csc=csc,
        police=police,
        front_door=user_with_role(Role.FRONT_DOOR, csc, first_name="Fran", last_name="Door"),
        lead=user_with_role(Role.LEAD_PROFESSIONAL, csc, first_name="Lee", last_name="Lead"),
        child=PersonFactory(
            first_names="Jade",
            last_name="Marsh",
            date_of_birth=born_years_ago(15),
            home_area=area,
            created_by_agency=csc,
        ),
    )


def complete(
    *,
    actor: User,
    person: Person,
    area: Area | None = None,
    answers: dict[str, AnswerInput] | None = None,
    level: str | None = None,
    **overrides: Any,
) -> Assessment:
    """An assessment through ``assessment_complete``; ``level`` defaults to the suggestion."""
    area = area or person.home_area
    assert area is not None
    catalogue = catalogue_for_area(area)
    answers = answers if answers is not None else answers_for(catalogue)
    if level is None:
        level = suggest(catalogue=catalogue, answers=answers, age=person.age_on()).level
    values: dict[str, Any] = {
        "started_from": StartedFrom.RETURN_INTERVIEW,
        "rationale": "Consistent with what the school and police have told us.",
        "override_reason": "",
        "child_said": "She said she is fine and the men are her cousin's friends.",
        "seen_alone": SeenAlone.YES,
        "child_wishes": "To be left alone by the police.",
        "protective_factors": "Close to her grandmother.",
        "contributing_agencies": [],
    }
    values.update(overrides)
    return services.assessment_complete(
        actor=actor, person=person, area=area, answers=answers, level=level, **values
    )


def form_data(
    catalogue: Catalogue,
    answers: dict[str, AnswerInput],
    /,
    *,
    action: str = "suggest",
    **fields: Any,
) -> dict[str, Any]:
    """What the assessment page posts (``None`` leaves a field out)."""
    data: dict[str, Any] = {"catalogue": catalogue.label, "action": action}
    for indicator_id, given in answers.items():
        data[services.answer_field(indicator_id)] = given.answer
        if given.recency:
            data[services.recency_field(indicator_id)] = given.recency
        if given.narrative:
            data[services.narrative_field(indicator_id)] = given.narrative
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def copy_shipped_catalogues(directory: Path) -> Path:
    """The shipped catalogue files, copied to ``directory`` for a test to add versions to."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in CATALOGUE_DIR.glob("*.json"):
        shutil.copy(path, directory / path.name)
    return directory
