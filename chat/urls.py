"""HTTP routes of the chat app: chat pages and the fans' account pages."""

from django.urls import path

from chat import views

urlpatterns = [
    path("chat/", views.room, name="chat-lobby"),
    path("chat/<slug:slug>/", views.room, name="chat-room"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.FanLoginView.as_view(), name="login"),
    path("accounts/logout/", views.FanLogoutView.as_view(), name="logout"),
]
