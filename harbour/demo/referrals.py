"""Synthetic referrals over two years, their concerns, triage decisions and what they leave behind.

Each referral is about a known child (a ``PersonRecord``). The referrer types the child as their
agency knows them, so a child another agency spells differently arrives under that spelling, and
now and then with a mistyped date of birth; members of the public give less (a first name, "about
14"). The front door decides most referrals within a day or so; the newest wait in the queue,
and a few have waited too long.
"""

from __future__ import annotations

import datetime
import math
import random
import zoneinfo
from dataclasses import dataclass, field

from faker import Faker

from harbour.accounts.models import Agency, Role, User
from harbour.demo.partnership import Partnership, new_uuid
from harbour.demo.people import AgencyVersion, PersonRecord, misspell, mistyped_date, pick
from harbour.people.models import (
    ChronologyEntry,
    Involvement,
    InvolvementKind,
    Sex,
    YesNoNotKnown,
)
from harbour.referrals.models import (
    ConcernCategory,
    LawfulBasis,
    PublicReporterRelationship,
    Referral,
    ReferralConcern,
    ReferralSource,
    ReferralStatus,
    TriageDecision,
    TriageRoute,
    Urgency,
)
from harbour.referrals.policy import TriagePolicy

HISTORY_DAYS = 730
#: The moment of a referral is drawn from a density rising by this share over the two years;
#: with children ageing into and out of the age range, referrals per day grow by about 15–20%
#: (more awareness, more referrals).
GROWTH = 0.6
#: The front door is behind: of the standard referrals received in the last ``BACKLOG_DAYS``,
#: up to ``BACKLOG_SHARE`` (the newest) still wait, besides those not yet decided in the usual
#: time. So the queue shows the newest referrals and some overdue ones, about 1% of all; every
#: referral older than that is decided (``_decision_delay`` leaves a tail of a few weeks).
BACKLOG_DAYS = 10
BACKLOG_SHARE = 0.8
#: At small scales the backlog reaches further back, so that about this many referrals fall in it.
BACKLOG_MIN_REFERRALS = 15
LONDON = zoneinfo.ZoneInfo("Europe/London")
SOURCE = "referrals.referral"

_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U

_SOURCES = (
    (ReferralSource.STAFF, 76),
    (ReferralSource.PUBLIC, 18),
    (ReferralSource.PARTNER_API, 6),
)

_CONCERNS_BY_SEX: dict[str, tuple[tuple[str, float], ...]] = {
    Sex.FEMALE: (
        (ConcernCategory.SEXUAL_EXPLOITATION, 50),
        (ConcernCategory.CRIMINAL_EXPLOITATION, 11),
        (ConcernCategory.MISSING, 14),
        (ConcernCategory.ONLINE, 15),
        (ConcernCategory.TRAFFICKING, 3),
        (ConcernCategory.OTHER, 7),
    ),
    Sex.MALE: (
        (ConcernCategory.SEXUAL_EXPLOITATION, 14),
        (ConcernCategory.CRIMINAL_EXPLOITATION, 50),
        (ConcernCategory.MISSING, 15),
        (ConcernCategory.ONLINE, 12),
        (ConcernCategory.TRAFFICKING, 4),
        (ConcernCategory.OTHER, 5),
    ),
}
#: A second (and now and then a third) concern: going missing goes with every other.
_SECONDARY_CONCERNS = (
    (ConcernCategory.MISSING, 30),
    (ConcernCategory.CRIMINAL_EXPLOITATION, 20),
    (ConcernCategory.ONLINE, 20),
    (ConcernCategory.SEXUAL_EXPLOITATION, 15),
    (ConcernCategory.OTHER, 15),
)

_ROUTES_STANDARD: tuple[tuple[str, float], ...] = (
    (TriageRoute.EXPLOITATION_SCREENING, 32),
    (TriageRoute.EARLY_HELP, 22),
    (TriageRoute.NO_FURTHER_ACTION, 18),
    (TriageRoute.STRATEGY_DISCUSSION, 12),
    (TriageRoute.POLICE_INTELLIGENCE, 9),
    (TriageRoute.PANEL_DISCUSSION, 7),
)
_ROUTES_URGENT: tuple[tuple[str, float], ...] = (
    (TriageRoute.STRATEGY_DISCUSSION, 55),
    (TriageRoute.EXPLOITATION_SCREENING, 20),
    (TriageRoute.PANEL_DISCUSSION, 10),
    (TriageRoute.POLICE_INTELLIGENCE, 8),
    (TriageRoute.EARLY_HELP, 4),
    (TriageRoute.NO_FURTHER_ACTION, 3),
)

_RATIONALES: dict[str, tuple[str, ...]] = {
    TriageRoute.NO_FURTHER_ACTION: (
        "Checks show no current indicators of exploitation. Concern does not meet the threshold "
        "for a service; advice given to the referrer.",
        "The worry has been resolved: the young person's whereabouts were accounted for and the "
        "family is engaging with the school. No further action, advice given.",
    ),
    TriageRoute.EARLY_HELP: (
        "Emerging concerns (attendance, new older friends) without evidence of harm. Family agrees "
        "to early help; exploitation indicators to be reviewed in four weeks.",
        "Low level concern. Early help assessment offered and accepted; school to remain the lead.",
    ),
    TriageRoute.EXPLOITATION_SCREENING: (
        "Several indicators of exploitation (going missing, unexplained items, older associates). "
        "Exploitation screening to be completed within five working days.",
        "Risk unclear from the information held. Allocated for an exploitation screening with the "
        "young person and the agencies involved.",
    ),
    TriageRoute.STRATEGY_DISCUSSION: (
        "Reasonable cause to suspect significant harm. Strategy discussion with police and health "
        "today; section 47 enquiry likely.",
        "Disclosure and injuries reported. Immediate safety plan agreed; strategy discussion "
        "convened with police.",
    ),
    TriageRoute.POLICE_INTELLIGENCE: (
        "Information concerns adults and a location rather than a risk to this child now. Shared "
        "with the police exploitation team as intelligence.",
        "Third-hand information with little detail. Passed to police as intelligence; no role for "
        "children's social care at present.",
    ),
    TriageRoute.PANEL_DISCUSSION: (
        "Repeat concerns from several agencies and links to other young people. To be discussed "
        "at the next MACE panel.",
        "Known to several agencies with risk not reducing. Referred to the multi-agency "
        "exploitation panel.",
    ),
}
_ADVICE: dict[str, str] = {
    TriageRoute.NO_FURTHER_ACTION: (
        "Please keep in touch with the family, use the exploitation indicators guidance and refer "
        "again if anything changes."
    ),
    TriageRoute.EARLY_HELP: (
        "The early help team will contact you to arrange a meeting. Please share any new concerns "
        "with them."
    ),
    TriageRoute.POLICE_INTELLIGENCE: (
        "Thank you: the information has gone to the police. Refer again if a child is at risk."
    ),
}

_NARRATIVES: dict[str, tuple[str, ...]] = {
    ConcernCategory.SEXUAL_EXPLOITATION: (
        "{name} has been seen getting into cars with older males after school and has new "
        "clothes and a phone the family cannot explain.",
        "{name} told staff about an 'older boyfriend' in his twenties who collects {them} from "
        "{place}.",
        "{name} has been coming home late, smelling of alcohol, and friends say {they} goes to "
        "parties at a flat in {town}.",
    ),
    ConcernCategory.CRIMINAL_EXPLOITATION: (
        "{name} was found with a large amount of cash and two phones after being missing "
        "overnight.",
        "Staff believe {name} is being used to carry drugs: unexplained injuries, new trainers and "
        "a lot of calls {they} has to answer.",
        "{name} was stopped with older youths near {place} and would not say why {they} was there.",
    ),
    ConcernCategory.MISSING: (
        "{name} has been reported missing several times this month; on return {they} would not say "
        "where {they} had been.",
        "{name} went missing from placement and was found in another town with adults not known "
        "to carers.",
    ),
    ConcernCategory.ONLINE: (
        "{name} has been sending images to someone met through a game who is now asking to meet.",
        "{name}'s carer found messages from an adult offering gifts and money for photos.",
    ),
    ConcernCategory.TRAFFICKING: (
        "{name} arrived in the area recently, speaks little English, and an adult who says he is "
        "an uncle keeps {their} documents.",
        "{name} was found working in a car wash during school hours and is frightened of the "
        "adults there.",
    ),
    ConcernCategory.OTHER: (
        "General concerns about {name}: falling attendance, withdrawn, new older friends.",
        "{name} has changed: aggressive at home, stays out, will not say who {they} is with.",
    ),
}
_PUBLIC_NARRATIVES = (
    "I am worried about {name}. {They} gets picked up by men in cars near {place}.",
    "{name} keeps going missing and comes back with things {they} could not afford.",
    "I think {name} is being made to sell drugs. There are older lads around {them} all the time.",
    "Someone online is talking to {name} and asking {them} to meet up. Please check {they} is ok.",
)
_ASSOCIATE_NAMES = ("Ace", "Jay", "Smokey", "K", "Dee", "Tee", "Bugsy", "Ghost", "Sonny", "Rico")
_VEHICLES = (
    "a dark grey saloon",
    "a white van",
    "a silver hatchback",
    "a black 4x4 with tinted windows",
    "a private hire car",
    "a moped",
)
_CONSENT = (
    "Parent informed and agreed to the referral.",
    "Young person knows about the referral and agreed.",
    "Not sought: seeking consent could place the young person at greater risk.",
    "Carer informed; young person did not agree but the referral is made in their interest.",
)
_PRONOUNS: dict[str, tuple[str, str, str]] = {
    Sex.FEMALE: ("she", "her", "her"),
    Sex.MALE: ("he", "him", "his"),
}


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ReferenceMaker:
    """``HBR-XXXX-XXXX`` references, unique by construction: an odd multiplier and an offset
    (drawn from the seed) permute the 2^40 values 8 base-32 characters can hold."""

    def __init__(self, rng: random.Random) -> None:
        self.multiplier = rng.getrandbits(40) | 1
        self.offset = rng.getrandbits(40)
        self.count = 0

    def next(self) -> str:
        value = (self.multiplier * self.count + self.offset) % (1 << 40)
        self.count += 1
        chars = []
        for _ in range(8):
            chars.append(_REFERENCE_ALPHABET[value & 31])
            value >>= 5
        text = "".join(reversed(chars))
        return f"HBR-{text[:4]}-{text[4:]}"  # as ``referrals.services.new_reference`` writes them


@dataclass
class ReferralRows:
    """The rows a batch of persons' referrals add, in the order they are saved."""

    referrals: list[Referral] = field(default_factory=list)
    concerns: list[ReferralConcern] = field(default_factory=list)
    decisions: list[TriageDecision] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)
    chronology: list[ChronologyEntry] = field(default_factory=list)

    def clear(self) -> None:
        for rows in (self.referrals, self.concerns, self.decisions, self.involvements):
            rows.clear()
        self.chronology.clear()


@dataclass
class _Subject:
    first_names: str = ""
    last_name: str = ""
    date_of_birth: datetime.date | None = None
    age_description: str = ""
    sex: str = Sex.NOT_KNOWN
    postcode: str = ""
    school: str = ""
    identifier: str = ""


class ReferralGenerator:
    """Makes each child's referrals, deterministically from the seed."""

    def __init__(
        self,
        *,
        partnership: Partnership,
        seed: int,
        now: datetime.datetime,
        policy: TriagePolicy,
        total_referrals: int,
    ) -> None:
        self.partnership = partnership
        self.now = now
        self.policy = policy
        self.rng = random.Random(f"harbour-demo:{seed}:referrals")
        self.fake = Faker("en_GB")
        self.fake.seed_instance(f"harbour-demo:{seed}:referrers")
        self.references = ReferenceMaker(self.rng)
        self.start = now - datetime.timedelta(days=HISTORY_DAYS)
        self.span = (now - self.start).total_seconds()
        self.latest = now - datetime.timedelta(minutes=5)
        self.backlog_days = max(
            BACKLOG_DAYS, HISTORY_DAYS * BACKLOG_MIN_REFERRALS / max(total_referrals, 1)
        )

    # When ----------------------------------------------------------------------------------------

    @staticmethod
    def _cdf(x: float) -> float:
        return (x + GROWTH * x * x / 2) / (1 + GROWTH / 2)

    @staticmethod
    def _inverse_cdf(u: float) -> float:
        return (-1 + math.sqrt(1 + 2 * GROWTH * u * (1 + GROWTH / 2))) / GROWTH

    def _instant(self, low: datetime.datetime, high: datetime.datetime) -> datetime.datetime:
        """A moment between ``low`` and ``high``, more likely recently (referrals grow)."""
        a = (low - self.start).total_seconds() / self.span
        b = (high - self.start).total_seconds() / self.span
        u = self.rng.uniform(self._cdf(a), self._cdf(b))
        return self.start + datetime.timedelta(seconds=self._inverse_cdf(u) * self.span)

    def _window(self, record: PersonRecord) -> tuple[datetime.datetime, datetime.datetime]:
        """When the child can have been referred: aged 10 to 17, in the last two years."""
        low = max(self.start, self._midnight(add_years(record.born, 10)))
        high = min(self.latest, self._midnight(add_years(record.born, 18)))
        if high <= low:
            return self.start, self.latest
        return low, high

    def _received(
        self, source: str, window: tuple[datetime.datetime, datetime.datetime]
    ) -> datetime.datetime:
        """A moment in the window at a realistic time of day. Drawn independently for each of a
        child's referrals, so all referrals together follow the partnership's growing volume
        (drawing them one after another from the first would crowd them into recent months)."""
        for _ in range(20):
            received = self._at_time_of_day(self._instant(*window), source)
            if received is not None:
                return received
        return self.latest

    @staticmethod
    def _midnight(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(), tzinfo=LONDON).astimezone(
            datetime.UTC
        )

    def _at_time_of_day(self, moment: datetime.datetime, source: str) -> datetime.datetime | None:
        """The day of ``moment`` at a time of day the source sends referrals; None if that time
        is still to come (the caller draws again, so today is not overfilled)."""
        day = moment.astimezone(LONDON).date()
        if source == ReferralSource.PUBLIC:
            minutes = self.rng.randint(7 * 60, 24 * 60 - 1)
        else:
            monday = day + datetime.timedelta(days=7 - day.weekday())
            if day.weekday() >= 5 and self.rng.random() < 0.5 and monday < self.now.date():
                day = monday  # fewer referrals from professionals at weekends
            minutes = int(self.rng.triangular(8 * 60, 18 * 60, 12 * 60))
        local = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60), LONDON)
        received = local.astimezone(datetime.UTC)
        return None if received > self.latest else received

    def _decision_delay(self, urgency: str) -> datetime.timedelta:
        if urgency == Urgency.URGENT:
            hours = self.rng.lognormvariate(math.log(0.5), 0.8)
        elif self.rng.random() < 0.05:
            hours = self.rng.uniform(72, 45 * 24)  # waiting for information, or lost in the queue
        else:
            hours = self.rng.lognormvariate(math.log(12), 0.9)
        return datetime.timedelta(hours=max(hours, 0.1))

    # Who -----------------------------------------------------------------------------------------

    def _staff_agency(self, record: PersonRecord) -> Agency:
        p, code = self.partnership, record.area_code
        if record.versions and self.rng.random() < 0.6:
            version = self.rng.choice(record.versions)
            return version.agency  # an agency with its own spelling of the child refers
        school = record.school or self.rng.choice(p.schools(code))
        return pick(
            self.rng,
            (
                (school, 34),
                (p.police, 22),
                (p.health(code), 20),
                (p.charity, 14),
                (p.licensing(code), 4),
            ),
        )

    def _referrer(self, agency: Agency) -> User | None:
        users = self.partnership.with_role(agency, Role.REFERRER)
        return self.rng.choice(users) if users else None

    # What they typed -----------------------------------------------------------------------------

    def _age_description(self, age: int) -> str:
        options = [f"about {age}", f"{age} or {age + 1}", "teenager"]
        if 11 <= age <= 15:
            options.append(f"in Year {age - 4}")
        return self.rng.choice(options)

    def _subject(
        self,
        record: PersonRecord,
        received: datetime.datetime,
        source: str,
        agency: Agency | None,
    ) -> _Subject:
        rng, person = self.rng, record.person
        version: AgencyVersion | None = next(
            (v for v in record.versions if agency is not None and v.agency.pk == agency.pk), None
        )
        age = age_on(record.born, received.date())
        subject = _Subject()
        if source == ReferralSource.PUBLIC:
            subject.first_names = person.known_as or record.first_name
            if rng.random() < 0.55:
                last = version.last_name if version else person.last_name
                subject.last_name = misspell(last, rng) if rng.random() < 0.15 else last
            if person.date_of_birth and rng.random() < 0.12:
                subject.date_of_birth = person.date_of_birth
                if rng.random() < 0.15:
                    subject.date_of_birth = mistyped_date(person.date_of_birth, rng)
            elif rng.random() < 0.8:
                subject.age_description = self._age_description(age)
            subject.sex = person.sex if rng.random() < 0.85 else Sex.NOT_KNOWN
            subject.postcode = record.postcode if rng.random() < 0.25 else ""
            subject.school = record.school.name if record.school and rng.random() < 0.35 else ""
            return subject

        if version is not None:
            subject.first_names, subject.last_name = version.first_names, version.last_name
            subject.date_of_birth = version.date_of_birth
        else:
            first = person.first_names if rng.random() < 0.15 else record.first_name
            if person.known_as and rng.random() < 0.3:
                first = person.known_as
            subject.first_names = misspell(first, rng) if rng.random() < 0.03 else first
            last = person.last_name
            subject.last_name = misspell(last, rng) if rng.random() < 0.04 else last
            subject.date_of_birth = person.date_of_birth
            if subject.date_of_birth and rng.random() < 0.04:
                subject.date_of_birth = mistyped_date(subject.date_of_birth, rng)
        if subject.date_of_birth is None or rng.random() < 0.06:
            subject.date_of_birth = None
            subject.age_description = self._age_description(age)
        subject.sex = person.sex if rng.random() < 0.95 else Sex.NOT_KNOWN
        subject.postcode = record.postcode if rng.random() < 0.7 else ""
        from_school = (
            record.school is not None and agency is not None and agency.pk == record.school.pk
        )
        if record.school and (from_school or rng.random() < 0.6):
            subject.school = record.school.name
        health = self.partnership.health(record.area_code)
        if (
            record.nhs_number
            and agency is not None
            and agency.pk == health.pk
            and rng.random() < 0.7
        ):
            number = record.nhs_number
            subject.identifier = (
                f"{number[:3]} {number[3:6]} {number[6:]}" if rng.random() < 0.5 else number
            )
        elif record.upn and from_school and rng.random() < 0.5:
            subject.identifier = record.upn
        elif record.nhs_number and rng.random() < 0.05:
            subject.identifier = record.nhs_number
        return subject

    def _narrative(
        self, categories: list[str], subject: _Subject, record: PersonRecord, source: str
    ) -> str:
        rng = self.rng
        they, them, their = _PRONOUNS.get(record.person.sex, ("they", "them", "their"))
        spec = self.partnership.area_spec(record.area_code)
        place = rng.choice(
            (
                f"{spec.name} bus station",
                "the retail park",
                f"the park in {rng.choice(spec.district_towns)}",
                "a takeaway on the high street",
            )
        )
        if source == ReferralSource.PUBLIC:
            template = rng.choice(_PUBLIC_NARRATIVES)
        else:
            template = rng.choice(_NARRATIVES[categories[0]])
        text = template.format(
            name=subject.first_names or "The young person",
            they=they,
            They=they.capitalize(),
            them=them,
            their=their,
            place=place,
            town=rng.choice(spec.district_towns),
        )
        if they == "they":  # agree the verb with "they"
            text = text.replace("they goes", "they go").replace("they has", "they have")
            text = text.replace("they was", "they were")
            text = text.replace("They gets", "They get").replace("they is", "they are")
        return text

    # Referrals -----------------------------------------------------------------------------------

    def for_person(self, record: PersonRecord, rows: ReferralRows) -> datetime.datetime | None:
        """Add the child's referrals to ``rows``; return when the first was received."""
        if record.referral_count == 0:
            return None
        window = self._window(record)
        for _ in range(record.referral_count):
            self._referral(record, window, rows)
        return min(r.received_at for r in rows.referrals[-record.referral_count :])

    def _referral(
        self,
        record: PersonRecord,
        window: tuple[datetime.datetime, datetime.datetime],
        rows: ReferralRows,
    ) -> None:
        rng, p = self.rng, self.partnership
        code = record.area_code
        area, receiving = p.areas[code], p.csc(code)
        source = pick(rng, _SOURCES)
        referrer: User | None = None
        referrer_agency: Agency | None = None
        relationship, anonymous = "", False
        referrer_name = referrer_role = referrer_phone = referrer_email = ""
        if source == ReferralSource.STAFF:
            referrer_agency = self._staff_agency(record)
            referrer = self._referrer(referrer_agency)
            if referrer is None:
                referrer_agency = p.schools(code)[0]
                referrer = self._referrer(referrer_agency)
            if referrer is not None:
                referrer_name = referrer.get_full_name()
                referrer_role = referrer.job_title
                referrer_phone = referrer.phone
                referrer_email = referrer.email
        elif source == ReferralSource.PARTNER_API:
            referrer_agency = p.police if rng.random() < 0.6 else p.health(code)
            referrer_name = self.fake.name()
            referrer_role = "Police officer" if referrer_agency == p.police else "Nurse"
        else:
            relationship = pick(
                rng,
                (
                    (PublicReporterRelationship.FAMILY, 35),
                    (PublicReporterRelationship.PUBLIC, 25),
                    (PublicReporterRelationship.FRIEND, 15),
                    (PublicReporterRelationship.YOUNG_PERSON_SELF, 10),
                    (PublicReporterRelationship.PREFER_NOT_TO_SAY, 10),
                    (PublicReporterRelationship.PROFESSIONAL, 5),
                ),
            )
            anonymous = rng.random() < 0.45
            if not anonymous:
                referrer_name = self.fake.name()
                if rng.random() < 0.7:
                    referrer_phone = f"07700 900{rng.randrange(1000):03d}"
                else:
                    referrer_email = f"{self.fake.user_name()}@example.com"

        received = self._received(source, window)
        subject = self._subject(record, received, source, referrer_agency)
        urgency = (
            Urgency.URGENT
            if rng.random() < (0.08 if source == ReferralSource.PUBLIC else 0.12)
            else Urgency.STANDARD
        )
        categories = self._categories(record.person.sex)
        due = self.policy.decision_due_at(received_at=received, urgency=urgency, area_code=code)
        decided_at = received + self._decision_delay(urgency)
        decided = decided_at <= self.now
        backlog_draw, link_draw = rng.random(), rng.random()  # drawn always: same stream any day
        age_days = (self.now - received).total_seconds() / 86400
        if urgency == Urgency.STANDARD and age_days < self.backlog_days:
            still_waiting = BACKLOG_SHARE * (1 - age_days / self.backlog_days)
            decided = decided and backlog_draw >= still_waiting
        linked = decided or link_draw < 0.5  # the front door links a child while triaging
        staffed = source != ReferralSource.PUBLIC
        referral = Referral(
            id=new_uuid(rng),
            reference=self.references.next(),
            source=source,
            status=ReferralStatus.DECIDED if decided else ReferralStatus.AWAITING_TRIAGE,
            area=area,
            receiving_agency=receiving,
            person=record.person if linked else None,
            subject_first_names=subject.first_names,
            subject_last_name=subject.last_name,
            subject_date_of_birth=subject.date_of_birth,
            subject_age_description=subject.age_description,
            subject_sex=subject.sex,
            subject_postcode=subject.postcode,
            subject_school=subject.school,
            subject_identifier=subject.identifier,
            narrative=self._narrative(categories, subject, record, source),
            known_associates=self._associates() if rng.random() < 0.45 else "",
            places=self._places(record) if rng.random() < 0.5 else "",
            vehicles=rng.choice(_VEHICLES) if rng.random() < 0.2 else "",
            urgency=urgency,
            family_aware=pick(
                rng,
                ((YesNoNotKnown.YES, 40), (YesNoNotKnown.NO, 35), (YesNoNotKnown.NOT_KNOWN, 25)),
            ),
            lawful_basis=(
                (
                    LawfulBasis.VITAL_INTERESTS
                    if urgency == Urgency.URGENT and rng.random() < 0.3
                    else LawfulBasis.PUBLIC_TASK
                )
                if staffed
                else ""
            ),
            safeguarding_condition=staffed,
            consent_details=rng.choice(_CONSENT) if staffed and rng.random() < 0.5 else "",
            referrer=referrer,
            referrer_agency=referrer_agency,
            referrer_name=referrer_name,
            referrer_role=referrer_role,
            referrer_phone=referrer_phone,
            referrer_email=referrer_email,
            public_relationship=relationship,
            is_anonymous=anonymous,
            received_at=received,
            decision_due_at=due,
            triage_policy_version=self.policy.version,
            created_at=received,
            updated_at=decided_at if decided else received,
        )
        rows.referrals.append(referral)
        rows.concerns.extend(
            ReferralConcern(
                id=new_uuid(rng),
                referral=referral,
                category=category,
                created_at=received,
                updated_at=received,
            )
            for category in categories
        )
        decision: TriageDecision | None = None
        if decided:
            decision = self._decision(referral, receiving, decided_at, subject)
            rows.decisions.append(decision)
        if linked:
            self._trail(record, referral, decision, categories, rows)

    def _categories(self, sex: str) -> list[str]:
        rng = self.rng
        table = _CONCERNS_BY_SEX.get(sex) or _CONCERNS_BY_SEX[rng.choice((Sex.FEMALE, Sex.MALE))]
        categories = [pick(rng, table)]
        for chance in (0.4, 0.08):
            if rng.random() < chance:
                extra = pick(rng, _SECONDARY_CONCERNS)
                if extra not in categories:
                    categories.append(extra)
        return categories

    def _associates(self) -> str:
        rng = self.rng
        return (
            f"A male known as '{rng.choice(_ASSOCIATE_NAMES)}', aged about {rng.randint(18, 35)}"
            + (f", and a female aged about {rng.randint(16, 25)}" if rng.random() < 0.3 else "")
            + "."
        )

    def _places(self, record: PersonRecord) -> str:
        rng = self.rng
        spec = self.partnership.area_spec(record.area_code)
        town = rng.choice(spec.district_towns)
        return rng.choice(
            (
                f"{town} bus station",
                f"A flat above the shops in {town}",
                "A hotel near the ring road",
                "The car park behind the retail park",
                f"The railway station in {town}",
                f"Takeaway on the high street in {town}",
            )
        )

    def _decision(
        self,
        referral: Referral,
        receiving: Agency,
        decided_at: datetime.datetime,
        subject: _Subject,
    ) -> TriageDecision:
        rng = self.rng
        table = _ROUTES_URGENT if referral.urgency == Urgency.URGENT else _ROUTES_STANDARD
        if referral.source == ReferralSource.PUBLIC and not subject.last_name:
            table = (*table, (TriageRoute.POLICE_INTELLIGENCE, 20))
        route = pick(rng, table)
        deciders = self.partnership.with_role(receiving, Role.FRONT_DOOR)
        return TriageDecision(
            id=new_uuid(rng),
            referral=referral,
            route=route,
            rationale=rng.choice(_RATIONALES[route]),
            advice_to_referrer=_ADVICE.get(route, ""),
            decided_by=rng.choice(deciders),
            decided_at=decided_at,
            was_overdue=decided_at > referral.decision_due_at,
            created_at=decided_at,
            updated_at=decided_at,
        )

    def _trail(
        self,
        record: PersonRecord,
        referral: Referral,
        decision: TriageDecision | None,
        categories: list[str],
        rows: ReferralRows,
    ) -> None:
        """The involvements and chronology entries a linked referral leaves on the child."""
        rng = self.rng
        received = referral.received_at
        source_id = str(referral.pk)
        receiving = referral.receiving_agency
        pairs: list[tuple[Agency, str, str]] = []
        if referral.referrer_agency is not None:
            pairs.append(
                (
                    referral.referrer_agency,
                    InvolvementKind.REFERRED_BY,
                    f"Made referral {referral.reference}",
                )
            )
        pairs.append(
            (
                receiving,
                InvolvementKind.RECEIVED_REFERRAL,
                f"Referral {referral.reference} to the front door",
            )
        )
        for agency, kind, description in pairs:
            rows.involvements.append(
                Involvement(
                    id=new_uuid(rng),
                    person=record.person,
                    agency=agency,
                    kind=kind,
                    source_type=SOURCE,
                    source_id=source_id,
                    description=description,
                    started_on=received.astimezone(LONDON).date(),
                    created_at=received,
                    updated_at=received,
                )
            )
        # As the referral services write them: concerns in category order, agencies by name.
        labels = ", ".join(ConcernCategory(c).label.lower() for c in sorted(categories))
        entries: list[tuple[datetime.datetime, str, str, Agency]] = []
        if referral.referrer_agency is not None:
            entries.append(
                (
                    received,
                    "referral.made",
                    f"Referral {referral.reference} made by {referral.referrer_agency.name}",
                    referral.referrer_agency,
                )
            )
        entries.append(
            (
                received,
                "referral.received",
                f"Referral {referral.reference} received: {labels}",
                receiving,
            )
        )
        if decision is not None:
            route = TriageRoute(decision.route).label
            entries.append(
                (
                    decision.decided_at,
                    "referral.triaged",
                    f"Front door decision on {referral.reference}: {route}",
                    receiving,
                )
            )
        for occurred, event_type, summary, agency in entries:
            rows.chronology.append(
                ChronologyEntry(
                    id=new_uuid(rng),
                    person=record.person,
                    occurred_at=occurred,
                    event_type=event_type,
                    summary=summary[:300],
                    agency=agency,
                    source_type=SOURCE,
                    source_id=source_id,
                    created_at=occurred,
                    updated_at=occurred,
                )
            )
