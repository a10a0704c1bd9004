"""``manage.py issue_partner_credential``: issue a partner system's API credential and print
the token once (it is not stored; only its hash is). ``--revoke PREFIX`` revokes one."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from harbour.accounts.models import Agency
from harbour.api import services
from harbour.api.models import PartnerCredential, Scope
from harbour.core.errors import ServiceValidationError


class Command(BaseCommand):
    help = "Issue (or revoke) a partner system's API credential. The token is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", help="The partner system, e.g. 'Northbrook Police RMS'")
        parser.add_argument("--agency", help="The agency's exact name")
        parser.add_argument(
            "--role",
            choices=services.PARTNER_ROLES,
            help="The role the system acts in (what its agency's staff in it could see and do)",
        )
        parser.add_argument(
            "--scope",
            action="append",
            choices=Scope.values,
            dest="scopes",
            help="What the system may do (repeat for several)",
        )
        parser.add_argument("--expires-in-days", type=int, default=None)
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the credential hbr_PREFIX_…")
        parser.add_argument("--reason", default="", help="Why it is revoked")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["revoke"]:
            self._revoke(options["revoke"], options["reason"])
            return
        missing = [name for name in ("name", "agency", "role", "scopes") if not options[name]]
        if missing:
            raise CommandError("Give " + ", ".join(f"--{name.rstrip('s')}" for name in missing))
        agency = Agency.objects.filter(name=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency is called {options['agency']!r}")
        days = options["expires_in_days"]
        expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
        try:
            credential, token = services.credential_issue(
                actor=None,
                name=options["name"],
                agency=agency,
                role=options["role"],
                scopes=options["scopes"],
                expires_at=expires_at,
            )
        except ServiceValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"Issued {credential.name} for {agency} (id {credential.pk}).")
        self.stdout.write("The token is shown once. Give it to the partner securely:")
        self.stdout.write(token)

    def _revoke(self, prefix: str, reason: str) -> None:
        credential = PartnerCredential.objects.filter(prefix=prefix.removeprefix("hbr_")).first()
        if credential is None:
            raise CommandError(f"No credential starts hbr_{prefix}")
        try:
            services.credential_revoke(actor=None, credential=credential, reason=reason)
        except ServiceValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"Revoked {credential.name}.")
