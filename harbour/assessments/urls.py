from django.urls import path

from harbour.assessments import views

app_name = "assessments"
urlpatterns = [
    path("new/", views.assessment_create, name="create"),
    path("overdue/", views.overdue_reviews, name="overdue"),
    path("child/<uuid:person_id>/", views.person_history, name="history"),
    path("<uuid:assessment_id>/", views.assessment_detail, name="detail"),
]
