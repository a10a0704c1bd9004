"""The partner API's endpoints (``/api/v1/``). Thin: read the request, call one service or
selector as the credential's service user, answer.

Every call, refused or not, is audited like a page view (``partner_api.call`` or
``partner_api.call_refused``) with the credential and its service user; submissions need an
``Idempotency-Key``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from harbour.access import policy
from harbour.audit.services import record_event
from harbour.core.errors import NotFoundOrForbidden
from harbour.matching.scorer import ChildDetails
from harbour.missing import services as missing_services
from harbour.missing.models import MissingEpisode
from harbour.referrals.services import ChildAsDescribed, ConcernDetails, StaffReferrerDetails
from harbour.return_interviews.intelligence import IntelligenceInput

from . import idempotency, selectors, serializers, services
from .authentication import PartnerTokenAuthentication
from .models import PartnerCredential, Scope
from .permissions import HasScope
from .problems import MEDIA_TYPE, MSG_NOT_FOUND
from .serializers import ProblemSerializer
from .throttling import PartnerRateThrottle

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=idempotency.HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    description=(
        "A key you choose for this submission (a UUID is ideal), 1 to 255 characters. Retrying "
        "with the same key and body returns the first response and creates nothing."
    ),
)


def _problems(*codes: int) -> dict[Any, Any]:
    """Problem-details responses for the schema (every endpoint may also give 401 and 429)."""
    descriptions = {
        400: "Bad input: errors lists each field in plain words",
        401: "No credential, or an unknown, revoked or expired one",
        403: "The credential lacks the scope, or its role may not do this",
        404: "Not found, or not something this credential may see",
        422: "The Idempotency-Key was already used for a different request",
        429: "Too many requests: see Retry-After",
    }
    return {
        (code, MEDIA_TYPE): OpenApiResponse(ProblemSerializer, description=descriptions[code])
        for code in sorted({401, 403, 429, *codes})
    }


def _episode_body(episode: MissingEpisode, **extra: Any) -> dict[str, Any]:
    data = {
        "id": episode.pk,
        "person_id": episode.person_id,
        "status": episode.status,
        "risk_grade": episode.risk_grade,
        "reported_at": episode.reported_at,
        "last_seen_at": episode.last_seen_at,
        "returned_at": episode.returned_at,
        "interview_due_at": episode.interview_due_at,
        "closed_at": episode.closed_at,
        **extra,
    }
    serializer_class = (
        serializers.EpisodeReportedSerializer if extra else serializers.EpisodeSerializer
    )
    return dict(serializer_class(data).data)


class PartnerAPIView(APIView):
    """A partner API endpoint: bearer credential, one scope, rate limit, problem details, and
    one audit event per call."""

    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [PartnerRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    required_scope: str = ""
    #: A service's field names → this endpoint's (for ``ServiceValidationError``).
    service_fields: Mapping[str, str] = {}

    def credential(self, request: Request) -> PartnerCredential:
        credential = request.auth
        assert isinstance(credential, PartnerCredential)  # HasScope let the request in
        return credential

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        _audit_call(request, response)
        return response

    def submit(
        self,
        request: Request,
        serializer_class: type[BaseSerializer[Any]],
        action: Callable[[PartnerCredential, dict[str, Any]], tuple[int, Any]],
    ) -> Response:
        """Validate, then run ``action`` once for this Idempotency-Key (or replay)."""
        credential = self.credential(request)
        key = idempotency.check_key(request.headers.get(idempotency.HEADER))
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        outcome = idempotency.run_once(
            credential=credential,
            key=key,
            method=request.method or "POST",
            path=request.path,
            data=request.data,
            submit=lambda: action(credential, data),
        )
        request._request.partner_replayed = outcome.replayed  # type: ignore[attr-defined]
        headers = {"Idempotent-Replayed": "true"} if outcome.replayed else None
        return Response(outcome.body, status=outcome.status, headers=headers)


def _audit_call(request: Request, response: Any) -> None:
    """One event per call, like a page view; refusals (any 4xx or 5xx) as refusals."""
    user = request.__dict__.get("_user")
    credential = request.__dict__.get("_auth")
    if not isinstance(credential, PartnerCredential):
        credential = getattr(request._request, "partner_refused_credential", None)
        user = None
    refused = response.status_code >= 400
    after: dict[str, Any] = {
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "credential_id": str(credential.pk) if credential is not None else None,
    }
    if getattr(request._request, "partner_replayed", False):
        after["replayed"] = True
    if idempotency.HEADER in request.headers:
        after["idempotency_key"] = request.headers[idempotency.HEADER][:255]
    record_event(
        actor=user if user is not None and user.is_authenticated else None,
        actor_label=""
        if user is not None and user.is_authenticated
        else (f"partner API: {credential.name}" if credential else "partner API: no credential"),
        action="partner_api.call_refused" if refused else "partner_api.call",
        subject=credential,
        after=after,
        request=request._request,
    )


# Referrals ---------------------------------------------------------------------------------------


class ReferralCreateView(PartnerAPIView):
    required_scope = Scope.REFERRALS_WRITE
    service_fields = {
        "child_first_names": "child.first_names",
        "child_date_of_birth": "child.date_of_birth",
        "child_postcode": "child.postcode",
        "categories": "concern.categories",
        "narrative": "concern.narrative",
        "urgency": "concern.urgency",
        "lawful_basis": "referrer.lawful_basis",
        "consent_details": "referrer.consent_details",
        "referrer_phone": "referrer.phone",
        "person": "person_id",
    }

    @extend_schema(
        operation_id="referral_submit",
        summary="Submit a referral (a concern about a child) to the area's front door",
        request=serializers.ReferralSubmitSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: serializers.ReferralOutcomeSerializer, **_problems(400, 422)},
        tags=["Referrals"],
    )
    def post(self, request: Request) -> Response:
        def action(credential: PartnerCredential, data: dict[str, Any]) -> tuple[int, Any]:
            referral = services.referral_submit(
                credential=credential,
                area_code=data["area"],
                person_id=data["person_id"],
                child=ChildAsDescribed(**data["child"]),
                concern=ConcernDetails(
                    **{**data["concern"], "categories": tuple(data["concern"]["categories"])}
                ),
                referrer=StaffReferrerDetails(**data["referrer"]),
                request=request._request,
            )
            return status.HTTP_201_CREATED, serializers.ReferralOutcomeSerializer(referral).data

        return self.submit(request, serializers.ReferralSubmitSerializer, action)


class ReferralDetailView(PartnerAPIView):
    required_scope = Scope.REFERRALS_READ

    @extend_schema(
        operation_id="referral_outcome",
        summary="The status and outcome of a referral your agency made",
        responses={200: serializers.ReferralOutcomeSerializer, **_problems(404)},
        tags=["Referrals"],
    )
    def get(self, request: Request, referral_id: Any) -> Response:
        referral = selectors.referral_outcome_get(
            credential=self.credential(request), referral_id=referral_id, request=request._request
        )
        return Response(serializers.ReferralOutcomeSerializer(referral).data)


# Missing episodes ---------------------------------------------------------------------------------


def _visible_episode(credential: PartnerCredential, episode_id: Any) -> MissingEpisode:
    episode = (
        policy.episode_visible_to(credential.service_user)
        .select_related("person")
        .filter(pk=episode_id)
        .first()
    )
    if episode is None:
        raise NotFoundOrForbidden
    return episode


class EpisodeCreateView(PartnerAPIView):
    required_scope = Scope.MISSING_WRITE
    service_fields = {"person": "person_id"}

    @extend_schema(
        operation_id="missing_episode_report",
        summary="Report a child missing (joins the child's open episode if there is one)",
        request=serializers.EpisodeReportSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: serializers.EpisodeReportedSerializer, **_problems(400, 422)},
        tags=["Missing episodes"],
    )
    def post(self, request: Request) -> Response:
        def action(credential: PartnerCredential, data: dict[str, Any]) -> tuple[int, Any]:
            actor = credential.service_user
            person = services.visible_person(viewer=actor, person_id=data.pop("person_id"))
            episode, created = missing_services.episode_report(
                actor=actor, person=person, request=request._request, **data
            )
            return status.HTTP_201_CREATED, _episode_body(episode, joined_existing=not created)

        return self.submit(request, serializers.EpisodeReportSerializer, action)


class EpisodeDetailView(PartnerAPIView):
    required_scope = Scope.MISSING_WRITE

    @extend_schema(
        operation_id="missing_episode_detail",
        summary="The status of a missing episode your agency reported (return, interview due)",
        responses={200: serializers.EpisodeSerializer, **_problems(404)},
        tags=["Missing episodes"],
    )
    def get(self, request: Request, episode_id: Any) -> Response:
        episode = selectors.episode_get(
            credential=self.credential(request), episode_id=episode_id, request=request._request
        )
        return Response(_episode_body(episode))


class EpisodeReturnView(PartnerAPIView):
    required_scope = Scope.MISSING_WRITE

    @extend_schema(
        operation_id="missing_episode_return",
        summary="Record that a missing child was found or came back",
        request=serializers.EpisodeReturnSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: serializers.EpisodeSerializer, **_problems(400, 404, 422)},
        tags=["Missing episodes"],
    )
    def post(self, request: Request, episode_id: Any) -> Response:
        def action(credential: PartnerCredential, data: dict[str, Any]) -> tuple[int, Any]:
            episode = missing_services.episode_record_return(
                actor=credential.service_user,
                episode=_visible_episode(credential, episode_id),
                request=request._request,
                **data,
            )
            return status.HTTP_200_OK, _episode_body(episode)

        return self.submit(request, serializers.EpisodeReturnSerializer, action)


class EpisodeCloseView(PartnerAPIView):
    required_scope = Scope.MISSING_WRITE

    @extend_schema(
        operation_id="missing_episode_close",
        summary="Close a missing episode once the child's return is recorded",
        request=serializers.EpisodeCloseSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: serializers.EpisodeSerializer, **_problems(400, 404, 422)},
        tags=["Missing episodes"],
    )
    def post(self, request: Request, episode_id: Any) -> Response:
        def action(credential: PartnerCredential, data: dict[str, Any]) -> tuple[int, Any]:
            episode = missing_services.episode_close(
                actor=credential.service_user,
                episode=_visible_episode(credential, episode_id),
                request=request._request,
            )
            return status.HTTP_200_OK, _episode_body(episode)

        return self.submit(request, serializers.EpisodeCloseSerializer, action)


# Intelligence -----------------------------------------------------------------------------------


class IntelligenceCreateView(PartnerAPIView):
    required_scope = Scope.INTELLIGENCE_WRITE
    service_fields = {"person": "person_id"}

    @extend_schema(
        operation_id="intelligence_submit",
        summary=(
            "Submit intelligence about a child: shared with the area's police exploitation "
            "officers and coordinators"
        ),
        request=serializers.IntelligenceSubmitSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: serializers.IntelligenceReceivedSerializer, **_problems(400, 422)},
        tags=["Intelligence"],
    )
    def post(self, request: Request) -> Response:
        def action(credential: PartnerCredential, data: dict[str, Any]) -> tuple[int, Any]:
            intelligence = services.intelligence_submit(
                credential=credential,
                person_id=data["person_id"],
                details=services.IntelligenceDetails(
                    summary=data["summary"],
                    lawful_basis=data["lawful_basis"],
                    observed_on=data["observed_on"],
                    partner_reference=data["partner_reference"],
                    items=[IntelligenceInput(**item) for item in data["items"]],
                ),
                request=request._request,
            )
            body = serializers.IntelligenceReceivedSerializer(
                {
                    "id": intelligence.pk,
                    "person_id": intelligence.person_id,
                    "received_at": intelligence.received_at,
                    "items": intelligence.items.count(),
                }
            ).data
            return status.HTTP_201_CREATED, body

        return self.submit(request, serializers.IntelligenceSubmitSerializer, action)


# Is this child known? ---------------------------------------------------------------------------


class ChildKnownView(PartnerAPIView):
    required_scope = Scope.CHILDREN_QUERY

    @extend_schema(
        operation_id="child_known",
        summary="Is this child known, and to which agencies? (Only what your agency may see.)",
        request=serializers.ChildQuerySerializer,
        responses={200: serializers.ChildKnownSerializer, **_problems(400)},
        tags=["Children"],
    )
    def post(self, request: Request) -> Response:
        serializer = serializers.ChildQuerySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        details = ChildDetails(
            first_names=data["first_names"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            postcode=data["postcode"],
            sex=data["sex"],
            identifiers=tuple((i["kind"], i["value"]) for i in data["identifiers"]),
        )
        known = selectors.children_known(
            credential=self.credential(request), details=details, request=request._request
        )
        body = serializers.ChildKnownSerializer(
            {
                "known": bool(known),
                "candidates": [
                    {
                        "person_id": k.person_id,
                        "score": k.score,
                        "reasons": k.reasons,
                        "agencies": [
                            {"id": a.pk, "name": a.name, "agency_type": a.agency_type}
                            for a in k.agencies
                        ],
                    }
                    for k in known
                ],
            }
        ).data
        return Response(body)


# Anything else under /api/ -----------------------------------------------------------------------


@extend_schema(exclude=True)
class NotFoundView(PartnerAPIView):
    """Any other address under ``/api/``: a problem-details 404, not an HTML page."""

    permission_classes = [AllowAny]
    throttle_classes = []

    def _not_found(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise NotFound(MSG_NOT_FOUND)

    get = post = put = patch = delete = _not_found
