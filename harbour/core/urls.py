from django.urls import path

from harbour.core import views
from harbour.referrals import views as referral_views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
]

#: Public pages without a namespace, so their URLs stay short and stable.
public_urlpatterns = [
    path("report/", referral_views.public_concern, name="public_concern"),
    path("report/sent/", referral_views.public_concern_sent, name="public_concern_sent"),
]
