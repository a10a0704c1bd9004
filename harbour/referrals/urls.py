from django.urls import path

from harbour.referrals import views

app_name = "referrals"
urlpatterns = [
    path("new/", views.referral_create, name="create"),
    path("mine/", views.my_referrals, name="mine"),
    path("queue/", views.triage_queue, name="queue"),
    path("<uuid:referral_id>/", views.referral_detail, name="detail"),
    path("<uuid:referral_id>/link/", views.referral_link, name="link"),
    path("<uuid:referral_id>/decide/", views.referral_decide, name="decide"),
]
