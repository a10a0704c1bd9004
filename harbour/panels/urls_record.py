"""Panel pages: the meeting record (attendance, each item's discussion, decisions and actions,
marking the meeting held)."""

from django.urls import URLPattern, path

from harbour.panels import views_record

urlpatterns: list[URLPattern] = [
    path("meetings/<uuid:meeting_id>/record/", views_record.meeting_record, name="record"),
    path("meetings/<uuid:meeting_id>/attendance/", views_record.attendance, name="attendance"),
    path("meetings/<uuid:meeting_id>/held/", views_record.mark_held, name="mark_held"),
    path("items/<uuid:item_id>/record/", views_record.item_record, name="item_record"),
    path("items/<uuid:item_id>/decisions/new/", views_record.decision_add, name="decision_add"),
    path("items/<uuid:item_id>/actions/new/", views_record.action_add, name="action_add"),
]
