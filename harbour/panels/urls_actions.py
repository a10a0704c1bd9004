"""Panel pages: the action tracker, one action and its update, the escalation log and resolving
an escalation."""

from django.urls import URLPattern, path

from harbour.panels import views_actions

urlpatterns: list[URLPattern] = [
    path("actions/", views_actions.tracker, name="actions"),
    path("actions/<uuid:action_id>/", views_actions.action_detail, name="action"),
    path("actions/<uuid:action_id>/update/", views_actions.action_update, name="action_update"),
    path("escalations/", views_actions.escalation_log, name="escalations"),
    path(
        "escalations/<uuid:escalation_id>/resolve/",
        views_actions.escalation_resolve,
        name="escalation_resolve",
    ),
]
