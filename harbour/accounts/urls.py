from django.urls import path

from harbour.accounts import admin_views, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("password/", views.ChangePasswordView.as_view(), name="password_change"),
    path(
        "set-password/<uidb64>/<token>/",
        admin_views.SetPasswordView.as_view(),
        name="set_password",
    ),
    # Administration: administrators only; a 404 for everyone else.
    path("manage/", admin_views.manage, name="manage"),
    path("manage/users/", admin_views.manage_users, name="manage_users"),
    path("manage/users/new/", admin_views.manage_user_new, name="manage_user_new"),
    path("manage/users/<uuid:user_id>/", admin_views.manage_user, name="manage_user"),
    path(
        "manage/users/<uuid:user_id>/roles/",
        admin_views.manage_user_add_role,
        name="manage_user_add_role",
    ),
    path(
        "manage/users/<uuid:user_id>/roles/<uuid:membership_id>/end/",
        admin_views.manage_membership_end,
        name="manage_membership_end",
    ),
    path(
        "manage/users/<uuid:user_id>/deactivate/",
        admin_views.manage_user_deactivate,
        name="manage_user_deactivate",
    ),
    path("manage/agencies/", admin_views.manage_agencies, name="manage_agencies"),
    path("manage/agencies/new/", admin_views.manage_agency_new, name="manage_agency_new"),
    path(
        "manage/agencies/<uuid:agency_id>/areas/",
        admin_views.manage_agency_areas,
        name="manage_agency_areas",
    ),
    path("manage/areas/", admin_views.manage_areas, name="manage_areas"),
    path("manage/areas/new/", admin_views.manage_area_new, name="manage_area_new"),
]
