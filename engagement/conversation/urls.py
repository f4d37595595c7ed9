from django.urls import path

from engagement.conversation import views

urlpatterns = [
    path("alerts/", views.alerts_signup, name="conversation_alerts_signup"),
    path(
        "alerts/check-your-email/", views.alerts_check_email, name="conversation_alerts_check_email"
    ),
    path("alerts/confirm/<str:token>/", views.alerts_confirm, name="conversation_confirm"),
    path(
        "alerts/unsubscribe/<str:token>/", views.alerts_unsubscribe, name="conversation_unsubscribe"
    ),
    path("feedback/", views.feedback, name="conversation_feedback"),
    path("feedback/thank-you/", views.feedback_thanks, name="conversation_feedback_thanks"),
]
