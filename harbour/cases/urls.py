from django.urls import path

from harbour.cases import views

app_name = "cases"
urlpatterns = [
    path("mine/", views.my_cases, name="mine"),
    path("new/", views.case_open, name="create"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/agencies/new/", views.agency_join, name="agency_join"),
    path(
        "<uuid:case_id>/agencies/<uuid:agency_id>/leave/",
        views.agency_leave,
        name="agency_leave",
    ),
    path("<uuid:case_id>/lead/", views.lead_change, name="lead_change"),
    path("<uuid:case_id>/goals/new/", views.goal_add, name="goal_add"),
    path("<uuid:case_id>/actions/new/", views.action_add, name="action_add"),
    path(
        "<uuid:case_id>/actions/<uuid:action_id>/update/",
        views.action_update,
        name="action_update",
    ),
    path("<uuid:case_id>/reviews/new/", views.review_add, name="review_add"),
    path("<uuid:case_id>/step-down/", views.step_down, name="step_down"),
    path("<uuid:case_id>/close/", views.close, name="close"),
    path("<uuid:case_id>/reopen/", views.reopen, name="reopen"),
]
