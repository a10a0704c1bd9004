"""Persons and what is known about them: names, aliases, addresses, identifiers, involvement."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import models
from django.utils import timezone

from harbour.accounts.models import Agency, Area
from harbour.core.models import BaseModel
from harbour.matching.keys import normalise_name, soundex
from harbour.people import validators


class PersonKind(models.TextChoices):
    CHILD = "child", "Child or young person"
    ADULT = "adult", "Adult"


class DateOfBirthPrecision(models.TextChoices):
    EXACT = "exact", "Exact"
    APPROXIMATE = "approximate", "Approximate"
    UNKNOWN = "unknown", "Not known"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"
    NOT_STATED = "not_stated", "Not stated"


class Ethnicity(models.TextChoices):
    """The ONS 2021 Census ethnic groups (England), plus 'not stated' and 'not known'."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "black_african", "Black, Black British, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_OTHER = "black_other", "Black, Black British, Caribbean or African: any other background"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or multiple: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = (
        "mixed_white_black_african",
        "Mixed or multiple: White and Black African",
    )
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        "Mixed or multiple: White and Black Caribbean",
    )
    MIXED_OTHER = "mixed_other", "Mixed or multiple: any other background"
    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: any other White background"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: any other ethnic group"
    NOT_STATED = "not_stated", "Not stated"
    NOT_KNOWN = "not_known", "Not known"


class YesNoNotKnown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class SendStatus(models.TextChoices):
    NONE = "none", "No special educational needs"
    SEN_SUPPORT = "sen_support", "SEN support"
    EHC_PLAN = "ehc_plan", "Education, health and care plan"
    NOT_KNOWN = "not_known", "Not known"


class Person(BaseModel):
    """A child or adult known to the partnership."""

    kind = models.CharField(max_length=10, choices=PersonKind.choices, default=PersonKind.CHILD)
    first_names = models.CharField("first names", max_length=120)
    last_name = models.CharField("last name", max_length=120)
    known_as = models.CharField("known as", max_length=120, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_birth_precision = models.CharField(
        max_length=12, choices=DateOfBirthPrecision.choices, default=DateOfBirthPrecision.EXACT
    )
    sex = models.CharField(max_length=12, choices=Sex.choices, default=Sex.NOT_KNOWN)
    gender = models.CharField(
        max_length=80, blank=True, help_text="How the person describes their gender, if recorded."
    )
    ethnicity = models.CharField(
        max_length=40, choices=Ethnicity.choices, default=Ethnicity.NOT_KNOWN
    )
    first_language = models.CharField(max_length=80, blank=True)
    disability = models.CharField(
        max_length=10, choices=YesNoNotKnown.choices, default=YesNoNotKnown.NOT_KNOWN
    )
    send_status = models.CharField(
        "special educational needs",
        max_length=12,
        choices=SendStatus.choices,
        default=SendStatus.NOT_KNOWN,
    )
    is_looked_after = models.BooleanField("looked after", default=False)
    placing_authority = models.CharField(max_length=200, blank=True)
    home_area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="residents", null=True, blank=True
    )
    created_by_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Set when a person decided this record is the same child as another: the record stays,
    # everything that pointed at it moves to the survivor (``harbour.duplicates``), and unmerge
    # clears it again. A merged-away person is not listed, searched or matched.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="merged_persons",
        null=True,
        blank=True,
        editable=False,
    )
    # Derived search keys (see ``refresh_search_keys``), for search and match blocking.
    search_name = models.CharField(max_length=250, blank=True, editable=False)
    first_name_key = models.CharField(max_length=4, blank=True, editable=False)
    last_name_key = models.CharField(max_length=4, blank=True, editable=False)

    class Meta:
        ordering = ["last_name", "first_names"]
        indexes = [
            models.Index(fields=["last_name", "first_names"], name="person_name_idx"),
            models.Index(fields=["last_name_key", "first_name_key"], name="person_name_key_idx"),
            models.Index(fields=["search_name"], name="person_search_name_idx"),
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
            models.Index(fields=["home_area"], name="person_home_area_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(date_of_birth_precision="unknown")
                | models.Q(date_of_birth__isnull=True),
                name="person_unknown_dob_has_no_date",
            ),
            models.CheckConstraint(
                condition=models.Q(date_of_birth_precision="unknown")
                | models.Q(date_of_birth__isnull=False),
                name="person_known_dob_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name}".strip()

    def refresh_search_keys(self) -> None:
        """Recompute the derived name keys; services call this before saving."""
        self.search_name = normalise_name(f"{self.last_name} {self.first_names} {self.known_as}")
        self.first_name_key = soundex(self.first_names)
        self.last_name_key = soundex(self.last_name)

    def age_on(self, day: datetime.date | None = None) -> int | None:
        if self.date_of_birth is None:
            return None
        day = day or timezone.localdate()
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class AliasKind(models.TextChoices):
    ALIAS = "alias", "Alias"
    NICKNAME = "nickname", "Nickname or street name"
    PREVIOUS_NAME = "previous_name", "Previous name"
    AGENCY_SPELLING = "agency_spelling", "Spelling another agency holds"


class Alias(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=20, choices=AliasKind.choices, default=AliasKind.ALIAS)
    first_names = models.CharField(max_length=120, blank=True)
    last_name = models.CharField(max_length=120, blank=True)
    recorded_by_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    first_name_key = models.CharField(max_length=4, blank=True, editable=False)
    last_name_key = models.CharField(max_length=4, blank=True, editable=False)

    class Meta:
        ordering = ["last_name", "first_names"]
        verbose_name_plural = "aliases"
        indexes = [
            models.Index(fields=["last_name_key", "first_name_key"], name="alias_name_key_idx")
        ]

    def refresh_search_keys(self) -> None:
        self.first_name_key = soundex(self.first_names)
        self.last_name_key = soundex(self.last_name)

    def __str__(self) -> str:
        return f"{self.first_names} {self.last_name}".strip()


class Address(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField("address line 1", max_length=200)
    line_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField("town or city", max_length=120, blank=True)
    postcode = models.CharField(max_length=8, validators=[validators.validate_uk_postcode])
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_current", "-created_at"]
        verbose_name_plural = "addresses"
        indexes = [models.Index(fields=["postcode"], name="address_postcode_idx")]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.line_1, self.town, self.postcode) if part)


class IdentifierKind(models.TextChoices):
    NHS_NUMBER = "nhs_number", "NHS number"
    UPN = "upn", "Unique pupil number (school)"
    POLICE_REFERENCE = "police_reference", "Police reference"
    LA_REFERENCE = "la_reference", "Local authority reference"


IDENTIFIER_VALIDATORS: dict[str, Callable[[str], None]] = {
    IdentifierKind.NHS_NUMBER: validators.validate_nhs_number,
    IdentifierKind.UPN: validators.validate_upn,
    IdentifierKind.POLICE_REFERENCE: validators.validate_agency_reference,
    IdentifierKind.LA_REFERENCE: validators.validate_agency_reference,
}


def normalise_identifier(kind: str, value: str) -> str:
    if kind == IdentifierKind.NHS_NUMBER:
        return validators.normalise_nhs_number(value)
    if kind == IdentifierKind.UPN:
        return value.strip().upper()
    return " ".join(value.split()).upper()


class Identifier(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=20, choices=IdentifierKind.choices)
    value = models.CharField(max_length=40)
    issued_by = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["kind", "value"]
        indexes = [models.Index(fields=["kind", "value"], name="identifier_lookup_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "value"], name="identifier_unique_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class InvolvementKind(models.TextChoices):
    REFERRED_BY = "referred_by", "Made a referral"
    RECEIVED_REFERRAL = "received_referral", "Received a referral"
    HOLDS_RECORD = "holds_record", "Holds a record"
    CASE = "case", "Involved in a case"


class Involvement(BaseModel):
    """That an agency knows a person, and through what. Involvement grants that agency access."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="involvements")
    kind = models.CharField(max_length=20, choices=InvolvementKind.choices)
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    description = models.CharField(max_length=300, blank=True)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        indexes = [models.Index(fields=["agency", "person"], name="involvement_agency_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "agency", "kind", "source_type", "source_id"],
                name="involvement_unique_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} – {self.get_kind_display()}"


class ChronologyEntry(BaseModel):
    """One event in a person's timeline. ``agency`` owns the underlying record."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chronology")
    occurred_at = models.DateTimeField()
    event_type = models.CharField(max_length=60)
    summary = models.CharField(max_length=300)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    source_type = models.CharField(max_length=40)
    source_id = models.CharField(max_length=64)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name_plural = "chronology entries"
        indexes = [models.Index(fields=["person", "-occurred_at"], name="chronology_person_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.summary}"
