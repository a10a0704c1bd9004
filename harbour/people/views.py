"""Person pages. Thin: read through selectors (which audit), render."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from harbour.access import policy
from harbour.core.errors import NotFoundOrForbidden
from harbour.people import selectors
from harbour.people.forms import PersonSearchForm


def person_search(request: HttpRequest) -> HttpResponse:
    if not policy.may_refer(request.user):
        raise NotFoundOrForbidden
    results = None
    form = PersonSearchForm(request.GET or None)
    if form.is_bound and form.is_valid():
        results = selectors.person_search(
            viewer=request.user, query=form.cleaned_data["q"], request=request
        )
    return render(request, "people/search.html", {"form": form, "results": results})


def person_detail(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = selectors.person_get(viewer=request.user, person_id=person_id, request=request)
    context = {
        "person": person,
        "age": person.age_on(),
        "aliases": person.aliases.all(),
        "addresses": person.addresses.all(),
        "identifiers": person.identifiers.select_related("issued_by"),
        "involvements": selectors.person_involvements(person=person),
        "chronology": selectors.person_chronology(viewer=request.user, person=person),
        "referrals": policy.referral_visible_to(request.user)
        .filter(person=person)
        .select_related("decision")
        .order_by("-received_at"),
        "may_review_audit": policy.may_review_audit(request.user),
    }
    return render(request, "people/person_detail.html", context)
