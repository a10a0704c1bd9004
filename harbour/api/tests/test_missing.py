"""Missing episodes through the API: report (joining an open episode), return, close."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from harbour.accounts.models import Role
from harbour.api.tests.conftest import ApiClient
from harbour.missing.models import EpisodeStatus, MissingEpisode

EPISODES = "/api/v1/missing-episodes/"


def _report(world, **overrides):
    now = timezone.now()
    body = {
        "person_id": str(world.child.pk),
        "missing_from": "care",
        "category": "missing",
        "last_seen_at": (now - datetime.timedelta(hours=3)).isoformat(),
        "reported_at": (now - datetime.timedelta(hours=2)).isoformat(),
        "last_seen_where": "Northbrook bus station",
        "risk_grade": "high",
        "police_reference": "NB-2026-0042",
    }
    body.update(overrides)
    return body


def test_report_return_and_close(world, police_api):
    reported = police_api.post(EPISODES, _report(world))
    assert reported.status_code == 201, reported.json()
    body = reported.json()
    assert body["status"] == EpisodeStatus.OPEN
    assert body["joined_existing"] is False
    assert body["risk_grade"] == "high"
    episode = MissingEpisode.objects.get(pk=body["id"])
    assert episode.reported_by_agency == world.police

    again = police_api.post(EPISODES, _report(world, risk_grade=""))
    assert again.status_code == 201
    assert again.json()["id"] == body["id"]
    assert again.json()["joined_existing"] is True
    assert MissingEpisode.objects.count() == 1

    returned = police_api.post(
        f"{EPISODES}{body['id']}/return/",
        {
            "returned_at": (timezone.now() - datetime.timedelta(minutes=5)).isoformat(),
            "returned_where": "Home",
            "returned_how": "Found by officers",
        },
    )
    assert returned.status_code == 200, returned.json()
    assert returned.json()["status"] == EpisodeStatus.RETURNED
    assert returned.json()["interview_due_at"] is not None

    closed = police_api.post(f"{EPISODES}{body['id']}/close/", {})
    assert closed.status_code == 200
    assert closed.json()["status"] == EpisodeStatus.CLOSED
    assert closed.json()["closed_at"] is not None


def test_bad_report_gives_the_services_words(world, police_api):
    future = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    response = police_api.post(EPISODES, _report(world, last_seen_at=future, last_seen_where=" "))
    assert response.status_code == 400
    errors = response.json()["errors"]
    fields = {e["field"] for e in errors}
    assert "last_seen_where" in fields  # DRF: blank
    response = police_api.post(EPISODES, _report(world, last_seen_at=future))
    assert response.json()["errors"] == [
        {
            "field": "last_seen_at",
            "message": "The time the child was last seen cannot be in the future",
        }
    ]
    assert not MissingEpisode.objects.exists()


def test_reporting_a_child_the_agency_cannot_see_is_a_field_error(world, issue):
    _credential, token = issue(world.school, role=Role.REFERRER)
    response = ApiClient(token).post(EPISODES, _report(world))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "person_id", "message": "Choose a child you can see in Harbour"}
    ]
    assert not MissingEpisode.objects.exists()


def test_return_before_report_and_closing_an_open_episode_are_field_errors(world, police_api):
    episode_id = police_api.post(EPISODES, _report(world)).json()["id"]
    early = police_api.post(
        f"{EPISODES}{episode_id}/return/",
        {
            "returned_at": (timezone.now() - datetime.timedelta(days=2)).isoformat(),
            "returned_where": "Home",
            "returned_how": "Walked in",
        },
    )
    assert early.status_code == 400
    assert early.json()["errors"][0]["field"] == "returned_at"
    close = police_api.post(f"{EPISODES}{episode_id}/close/", {})
    assert close.status_code == 400
    assert close.json()["errors"] == [
        {"field": "episode", "message": "Record the child's return before closing the episode"}
    ]


def test_an_episode_the_agency_cannot_see_is_404(world, police_api, issue, health):
    episode_id = police_api.post(EPISODES, _report(world)).json()["id"]
    _credential, token = issue(health, role=Role.REFERRER)
    health_api = ApiClient(token)
    for path in (f"{EPISODES}{episode_id}/close/", f"{EPISODES}{uuid.uuid4()}/close/"):
        response = health_api.post(path, {})
        assert response.status_code == 404
        assert response.json()["type"] == "urn:harbour:problem:not-found"
    assert MissingEpisode.objects.get(pk=episode_id).status == EpisodeStatus.OPEN


def test_the_reporting_agency_reads_its_episode_and_no_one_else_does(
    world, police_api, issue, health
):
    from harbour.audit.models import AuditEvent

    episode_id = police_api.post(EPISODES, _report(world)).json()["id"]
    read = police_api.get(f"{EPISODES}{episode_id}/")
    assert read.status_code == 200, read.json()
    assert read.json()["status"] == EpisodeStatus.OPEN
    assert read.json()["returned_at"] is None
    assert AuditEvent.objects.filter(
        action="partner_api.episode_viewed", subject_id=episode_id
    ).exists()

    _credential, token = issue(health, role=Role.REFERRER)
    for path in (f"{EPISODES}{episode_id}/", f"{EPISODES}{uuid.uuid4()}/"):
        response = ApiClient(token).get(path)
        assert response.status_code == 404
        assert response.json()["type"] == "urn:harbour:problem:not-found"
