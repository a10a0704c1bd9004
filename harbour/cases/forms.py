"""Forms for cases. They validate what a person typed; the services validate the rest.

Field names match the services' error keys, so a service's message lands on its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from harbour.access import policy
from harbour.accounts.models import Agency, Area, Membership, Role, User
from harbour.cases.models import (
    ActionStatus,
    Case,
    ClosureReason,
    PlanGoal,
    ReviewOutcome,
)
from harbour.core.forms import GovukDateField, GovukForm
from harbour.people.models import YesNoNotKnown
from harbour.referrals.models import ConcernCategory


def lead_professional_choices(area: Area) -> QuerySet[Membership]:
    """Active lead professionals in active agencies serving ``area``: one choice per role held."""
    return (
        Membership.objects.filter(
            role=Role.LEAD_PROFESSIONAL,
            is_active=True,
            user__is_active=True,
            agency__is_active=True,
            agency__areas=area,
        )
        .select_related("user", "agency")
        .order_by("user__last_name", "user__first_name", "agency__name")
    )


class LeadProfessionalField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A lead professional and the agency they lead for, chosen as one "Name, Agency" option."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user}, {obj.agency}"


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class CaseOpenForm(GovukForm):
    lead_professional = LeadProfessionalField(
        label="Lead professional",
        queryset=Membership.objects.none(),
        empty_label="Choose a lead professional",
        help_text="The named person who leads the work with the child. Their agency leads the "
        "case.",
        error_messages={
            "required": "Choose a lead professional",
            "invalid_choice": "Choose a lead professional from the list",
        },
    )
    exploitation_types = forms.MultipleChoiceField(
        label="Types of exploitation",
        choices=ConcernCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select the types of exploitation"},
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Other agencies in the case",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Joining the case lets an agency's staff see the child's record. The lead "
        "professional's agency is always in the case.",
        error_messages={"invalid_choice": "Choose agencies from the list"},
    )
    plan_review_due_on = GovukDateField(
        label="Date of the first plan review",
        required=False,
        help_text="For example, 27 3 2027. You can set it later, when you record a review.",
    )

    def __init__(self, *args: Any, area: Area, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead = self.fields["lead_professional"]
        assert isinstance(lead, forms.ModelChoiceField)
        lead.queryset = lead_professional_choices(area)
        agencies = self.fields["agencies"]
        assert isinstance(agencies, forms.ModelChoiceField)
        agencies.queryset = Agency.objects.filter(is_active=True, areas=area).order_by("name")


class AgencyJoinForm(GovukForm):
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        help_text="Its staff will be able to see the child's record while it is in the case.",
        error_messages={
            "required": "Select the agency joining the case",
            "invalid_choice": "Choose an agency from the list",
        },
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        in_case = case.agency_memberships.filter(left_at__isnull=True).values("agency_id")
        field.queryset = (
            Agency.objects.filter(is_active=True).exclude(pk__in=in_case).order_by("name")
        )


class AgencyLeaveForm(GovukForm):
    reason = forms.CharField(
        label="Why is the agency leaving the case?",
        widget=_textarea(3),
        help_text="Its staff will no longer see the child's record through this case.",
        error_messages={"required": "Enter why the agency is leaving the case"},
    )


class LeadChangeForm(GovukForm):
    lead_professional = LeadProfessionalField(
        label="New lead professional",
        queryset=Membership.objects.none(),
        empty_label="Choose a lead professional",
        error_messages={
            "required": "Choose a lead professional",
            "invalid_choice": "Choose a lead professional from the list",
        },
    )
    reason = forms.CharField(
        label="Why is the lead professional changing?",
        widget=_textarea(3),
        error_messages={"required": "Enter why the lead professional is changing"},
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lead_professional"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = lead_professional_choices(case.area)


class GoalForm(GovukForm):
    description = forms.CharField(
        label="Goal",
        widget=_textarea(3),
        help_text="What will be different for the child, in plain words.",
        error_messages={"required": "Describe the goal"},
    )
    agreed_with_child = forms.ChoiceField(
        label="Was the goal agreed with the child?",
        choices=[
            (YesNoNotKnown.YES, "Yes"),
            (YesNoNotKnown.NO, "No"),
            (YesNoNotKnown.NOT_KNOWN, "Not yet discussed with the child"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the goal was agreed with the child"},
    )
    child_words = forms.CharField(
        label="The child's words",
        widget=_textarea(4),
        required=False,
        help_text="What the child said about this goal, as they said it. Needed when the child "
        "was asked, whether they agreed or not.",
    )


class OwnerField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A person in one of the case's agencies, shown with those agencies."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies_by_user: dict[Any, list[str]] = {}

    def label_from_instance(self, obj: Any) -> str:
        agencies = ", ".join(self.agencies_by_user.get(obj.pk, []))
        return f"{obj}, {agencies}" if agencies else str(obj)


def owner_memberships(case: Case) -> QuerySet[Membership]:
    """Casework roles of active users in the agencies (still) in the case."""
    return (
        Membership.objects.filter(
            is_active=True,
            user__is_active=True,
            agency__is_active=True,
            agency__case_memberships__case=case,
            agency__case_memberships__left_at__isnull=True,
        )
        .exclude(role__in=policy.NO_CASE_CONTENT_ROLES)
        .select_related("agency")
        .order_by("agency__name")
    )


class ActionForm(GovukForm):
    description = forms.CharField(
        label="Action",
        widget=_textarea(3),
        help_text="Who will do what, for the child.",
        error_messages={"required": "Describe the action"},
    )
    goal = forms.ModelChoiceField(
        label="Goal it works towards",
        queryset=PlanGoal.objects.none(),
        required=False,
        empty_label="Not linked to a goal",
        error_messages={"invalid_choice": "Choose a goal from this case's plan"},
    )
    owner = OwnerField(
        label="Owner",
        queryset=User.objects.none(),
        empty_label="Choose who owns the action",
        help_text="Someone in an agency in the case.",
        error_messages={
            "required": "Choose who owns the action",
            "invalid_choice": "Choose someone from an agency in the case",
        },
    )
    due_on = GovukDateField(
        label="Due date",
        help_text="For example, 27 3 2027.",
        error_messages={"required": "Enter the due date"},
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goal = self.fields["goal"]
        assert isinstance(goal, forms.ModelChoiceField)
        goal.queryset = case.goals.all()
        memberships = list(owner_memberships(case))
        owner = self.fields["owner"]
        assert isinstance(owner, OwnerField)
        for membership in memberships:
            names = owner.agencies_by_user.setdefault(membership.user_id, [])
            if membership.agency.name not in names:
                names.append(membership.agency.name)
        owner.queryset = User.objects.filter(pk__in=owner.agencies_by_user).order_by(
            "last_name", "first_name", "username"
        )


class ActionUpdateForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the action's status"},
    )
    note = forms.CharField(
        label="Note",
        widget=_textarea(3),
        required=False,
        help_text="What has happened. Needed when cancelling, or when the status stays the same.",
    )


class ReviewForm(GovukForm):
    reviewed_on = GovukDateField(
        label="Date of the review",
        must_be_past=True,
        help_text="For example, 27 3 2026.",
        error_messages={"required": "Enter the date of the review"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the review"},
    )
    summary = forms.CharField(
        label="Summary",
        widget=_textarea(5),
        help_text="Progress against the goals, what has changed, and who took part.",
        error_messages={"required": "Enter a summary of the review"},
    )
    child_views = forms.CharField(
        label="The child's views",
        widget=_textarea(4),
        help_text="In the child's words where you can. If the child could not give their views, "
        "say why.",
        error_messages={"required": "Enter the child's views, or why they could not be given"},
    )
    next_review_due_on = GovukDateField(
        label="Date of the next review",
        required=False,
        help_text="Needed unless the outcome is to step down or close. For example, 27 3 2027.",
    )


class StepDownForm(GovukForm):
    monitoring_until = GovukDateField(
        label="Date monitoring ends",
        help_text="For example, 27 3 2027.",
        error_messages={"required": "Enter the date monitoring ends"},
    )
    reason = forms.CharField(
        label="Why is the case stepping down?",
        widget=_textarea(4),
        error_messages={"required": "Enter why the case is stepping down"},
    )


class CloseForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why is the case closing?",
        choices=ClosureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the case is closing"},
    )
    note = forms.CharField(
        label="Note",
        widget=_textarea(4),
        required=False,
        help_text="Needed when the reason is \u201cother\u201d.",
    )


class ReopenForm(GovukForm):
    reason = forms.CharField(
        label="Why is the case reopening?",
        widget=_textarea(4),
        error_messages={"required": "Enter why the case is reopening"},
    )
