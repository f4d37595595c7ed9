"""Staff sign-in: throttled password checks and a second factor (django-otp)."""
