"""Who may import: a capability by role, in the agency that owns the import source.

Imports show named children (the validation report, the preview, the candidates a row may be),
so they are casework, not administration: administrators, who see no case content, do not
import. The front door imports persons and referrals (it already checks every new child against
the whole partnership, which is what reviewing a held row is); missing episodes may also be
imported by the coordinator and the police exploitation team, who record them on screen.
"""

from __future__ import annotations

from typing import Any

from harbour.access import policy
from harbour.accounts.models import Role
from harbour.imports.models import ImportKind, ImportSource

IMPORT_ROLES: dict[str, frozenset[str]] = {
    ImportKind.PERSONS: frozenset({Role.FRONT_DOOR}),
    ImportKind.REFERRALS: frozenset({Role.FRONT_DOOR}),
    ImportKind.MISSING_EPISODES: frozenset(
        {Role.FRONT_DOOR, Role.COORDINATOR, Role.POLICE_EXPLOITATION}
    ),
}


def kinds_for(user: Any, agency_id: Any) -> frozenset[str]:
    """The kinds of extract ``user`` may import for the agency."""
    roles = policy.viewer_for(user).roles_by_agency.get(agency_id, frozenset())
    return frozenset(kind for kind, allowed in IMPORT_ROLES.items() if roles & allowed)


def import_agency_ids(user: Any) -> frozenset[Any]:
    """Agencies in which ``user`` may import something."""
    viewer = policy.viewer_for(user)
    return frozenset(
        agency_id for agency_id in viewer.roles_by_agency if kinds_for(user, agency_id)
    )


def may_import_anything(user: Any) -> bool:
    return bool(import_agency_ids(user))


def may_import(user: Any, source: ImportSource) -> bool:
    return source.kind in kinds_for(user, source.agency_id)
