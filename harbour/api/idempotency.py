"""Idempotency keys: a retried submission returns the first response and creates nothing.

The caller sends ``Idempotency-Key`` with every submission. The first successful response is
kept with a hash of the request (method, path and body) in the same transaction as the
submission itself; the unique constraint on (credential, key) is what serialises concurrent
calls with one key: the loser's insert fails, its submission rolls back and it answers with the
winner's response. A key reused for a different request is refused (422). A failed submission
keeps nothing, so the caller may correct it and retry under the same key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from rest_framework import status
from rest_framework.exceptions import APIException

from .models import IdempotencyRecord, PartnerCredential

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class IdempotencyKeyMissing(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = (
        f"Send an {HEADER} header (1 to {MAX_KEY_LENGTH} characters, for example a UUID) with "
        "every submission, and the same one when you retry it"
    )
    default_code = "idempotency_key_required"


class IdempotencyKeyReused(APIException):
    status_code = 422
    default_detail = (
        f"This {HEADER} was already used for a different request. Use a new key for a new "
        "submission, and the same key only to retry the same one"
    )
    default_code = "idempotency_key_reused"


@dataclass(frozen=True)
class Outcome:
    status: int
    body: Any
    replayed: bool


def fingerprint(*, method: str, path: str, data: Any) -> str:
    """SHA-256 of the method, path and body (as parsed JSON, keys sorted)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


def check_key(key: str | None) -> str:
    if key is None or not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise IdempotencyKeyMissing
    return key


def _replay(credential: PartnerCredential, key: str, request_hash: str) -> Outcome | None:
    record = IdempotencyRecord.objects.filter(credential=credential, key=key).first()
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise IdempotencyKeyReused
    return Outcome(status=record.response_status, body=record.response_body, replayed=True)


def run_once(
    *,
    credential: PartnerCredential,
    key: str,
    method: str,
    path: str,
    data: Any,
    submit: Callable[[], tuple[int, Any]],
) -> Outcome:
    """Run ``submit`` (which returns status and JSON body) once per key, or replay."""
    request_hash = fingerprint(method=method, path=path, data=data)
    earlier = _replay(credential, key, request_hash)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            status_code, body = submit()
            body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
            IdempotencyRecord.objects.create(
                credential=credential,
                key=key,
                request_hash=request_hash,
                method=method.upper(),
                path=path[:300],
                response_status=status_code,
                response_body=body,
            )
    except IntegrityError:
        # A concurrent call with the same key committed first: this one created nothing.
        winner = _replay(credential, key, request_hash)
        if winner is None:
            raise
        return winner
    return Outcome(status=status_code, body=body, replayed=False)
