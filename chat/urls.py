"""HTTP routes of the chat app: chat pages and the fans' account pages (sign-up, log-in and
out, password reset by email (throttled: chat.resets) and password change: Django's auth views, with
the site's templates under templates/registration/)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from chat import views

urlpatterns = [
    path("chat/", views.room, name="chat-lobby"),
    path("chat/<slug:slug>/", views.room, name="chat-room"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.FanLoginView.as_view(), name="login"),
    path("accounts/logout/", views.FanLogoutView.as_view(), name="logout"),
    path(
        "accounts/password/reset/",
        views.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
