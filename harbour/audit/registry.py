"""The closed vocabulary of audit actions. Each app registers its own in ``audit_events.py``."""

from dataclasses import dataclass


@dataclass(frozen=True)
class AuditAction:
    code: str
    description: str
    is_read: bool = False
    is_refusal: bool = False


_ACTIONS: dict[str, AuditAction] = {}


class UnknownAuditAction(LookupError):
    """An event was recorded with an action nobody registered."""


def register(
    code: str, description: str, *, is_read: bool = False, is_refusal: bool = False
) -> None:
    existing = _ACTIONS.get(code)
    action = AuditAction(code, description, is_read, is_refusal)
    if existing is not None and existing != action:
        raise ValueError(f"Audit action {code!r} is already registered differently")
    _ACTIONS[code] = action


def get(code: str) -> AuditAction:
    try:
        return _ACTIONS[code]
    except KeyError:
        raise UnknownAuditAction(f"Audit action {code!r} is not registered") from None


def all_actions() -> list[AuditAction]:
    return sorted(_ACTIONS.values(), key=lambda action: action.code)
