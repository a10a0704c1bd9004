"""Panel pages: panels, their members and meetings, a meeting's agenda (behind the
confidentiality agreement), the chair's draft agenda, and an agency asking for discussion."""

from django.urls import URLPattern, path

from harbour.panels import views_meetings as views

urlpatterns: list[URLPattern] = [
    path("", views.panel_list, name="list"),
    path("new/", views.panel_create, name="create"),
    path("<uuid:panel_id>/", views.panel_detail, name="detail"),
    path("<uuid:panel_id>/edit/", views.panel_edit, name="edit"),
    path("<uuid:panel_id>/members/new/", views.member_add, name="member_add"),
    path(
        "<uuid:panel_id>/members/<uuid:member_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("<uuid:panel_id>/meetings/new/", views.meeting_schedule, name="meeting_schedule"),
    path("meetings/<uuid:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<uuid:meeting_id>/confidentiality/", views.confirm, name="confirm"),
    path("meetings/<uuid:meeting_id>/agenda/", views.agenda_edit, name="agenda_edit"),
    path(
        "meetings/<uuid:meeting_id>/agenda/themes/",
        views.agenda_theme_add,
        name="agenda_theme_add",
    ),
    path("meetings/<uuid:meeting_id>/agenda/adopt/", views.agenda_adopt, name="agenda_adopt"),
    path(
        "meetings/<uuid:meeting_id>/agenda/publish/",
        views.agenda_publish,
        name="agenda_publish",
    ),
    path("agenda-items/<uuid:item_id>/move/", views.agenda_item_move, name="agenda_item_move"),
    path(
        "agenda-items/<uuid:item_id>/remove/",
        views.agenda_item_remove,
        name="agenda_item_remove",
    ),
    path("requests/new/", views.discussion_request, name="discussion_request"),
]
