"""Person pages. Thin: read through selectors (which audit), render."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from harbour.access import policy
from harbour.core.errors import NotFoundOrForbidden, ServiceValidationError
from harbour.core.service_errors import add_service_errors
from harbour.people import selectors, services
from harbour.people.forms import AddressForm, IdentifierForm, PersonSearchForm

#: The person page shows the newest events; the chronology page shows them all.
PERSON_PAGE_EVENTS = 10


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
    survivor = policy.merged_person_survivor(request.user, person_id)
    if survivor is not None:
        # A record merged into another: the child's record is now the survivor's.
        return redirect("people:detail", survivor.pk)
    person = selectors.person_get(viewer=request.user, person_id=person_id, request=request)
    context = {
        "person": person,
        "age": person.age_on(),
        "aliases": person.aliases.all(),
        "addresses": person.addresses.all(),
        "identifiers": person.identifiers.select_related("issued_by"),
        "involvements": selectors.person_involvements(person=person),
        "chronology": selectors.person_chronology(
            viewer=request.user, person=person, limit=PERSON_PAGE_EVENTS
        ),
        "referrals": policy.referral_visible_to(request.user)
        .filter(person=person)
        .select_related("decision")
        .order_by("-received_at"),
        "may_review_audit": policy.may_review_audit(request.user),
        "cases": policy.case_visible_to(request.user)
        .filter(person=person)
        .select_related("lead_professional")
        .order_by("-opened_at"),
        "current_risk": _current_risk(request, person),
        "may_assess": policy.may_assess(request.user),
        "may_review_duplicates": policy.may_review_duplicates(request.user),
    }
    return render(request, "people/person_detail.html", context)


@require_http_methods(["GET", "POST"])
def identifier_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = selectors.person_get(viewer=request.user, person_id=person_id, request=request)
    if not policy.may_refer(request.user):
        raise NotFoundOrForbidden
    form = IdentifierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agencies = policy.viewer_for(request.user).casework_agency_ids
        try:
            services.identifier_add(
                actor=request.user,
                person=person,
                kind=form.cleaned_data["kind"],
                value=form.cleaned_data["value"],
                issued_by=None if len(agencies) != 1 else _only_agency(agencies),
                request=request,
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Identifier added.")
            return redirect("people:detail", person.pk)
    return render(request, "people/identifier_form.html", {"person": person, "form": form})


@require_http_methods(["GET", "POST"])
def address_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = selectors.person_get(viewer=request.user, person_id=person_id, request=request)
    if not policy.may_refer(request.user):
        raise NotFoundOrForbidden
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_add(
                actor=request.user, person=person, request=request, **form.cleaned_data
            )
        except ServiceValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Address added.")
            return redirect("people:detail", person.pk)
    return render(request, "people/address_form.html", {"person": person, "form": form})


def _only_agency(agency_ids: frozenset[Any]) -> Any:
    from harbour.accounts.models import Agency

    return Agency.objects.get(pk=next(iter(agency_ids)))


def person_chronology(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The child's whole timeline across Harbour, filtered by what the viewer may see."""
    person = selectors.person_get(viewer=request.user, person_id=person_id, request=request)
    events = selectors.person_chronology(viewer=request.user, person=person)
    return render(request, "people/chronology.html", {"person": person, "events": events})


def _current_risk(request: HttpRequest, person: Any) -> dict[str, Any] | None:
    """The child's current assessment with its levels as its own catalogue names them."""
    from harbour.assessments.selectors import catalogue_of

    current = (
        policy.assessment_visible_to(request.user).filter(person=person, is_current=True).first()
    )
    if current is None:
        return None
    catalogue = catalogue_of(current)
    rank = catalogue.rank(current.level) if catalogue.has_level(current.level) else 0
    return {
        "assessment": current,
        "level": catalogue.label_for(current.level),
        "suggested": catalogue.label_for(current.suggested_level),
        "is_top": rank == len(catalogue.levels) - 1,
        "is_lowest": rank == 0,
    }
