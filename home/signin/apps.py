from django.apps import AppConfig


class SignInConfig(AppConfig):
    name = "home.signin"
    label = "signin"
    verbose_name = "Staff sign-in"

    def ready(self):
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import forms, signals

        user_login_failed.connect(signals.count_failure, dispatch_uid="signin.count_failure")
        user_logged_in.connect(signals.forget_failures, dispatch_uid="signin.forget_failures")
        # Django's admin at /django-admin/ says why an attempt was refused too.
        admin.site.login_form = forms.ThrottledAdminLoginForm
