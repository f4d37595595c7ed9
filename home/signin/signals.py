"""Every sign-in attempt, whatever form it came through, feeds the throttle."""

from . import throttle

REMEMBER_DEVICE_ATTRIBUTE = "_signin_remember_device"


def count_failure(sender, credentials, request=None, **kwargs):
    # A refused attempt was never checked, so it is not a failure to count.
    if request is None or getattr(request, throttle.REFUSAL_ATTRIBUTE, None):
        return
    throttle.record_failure(request, credentials.get("username", ""))


def forget_failures(sender, request, user, **kwargs):
    if request is None:
        return
    throttle.record_success(request, user.get_username())
    # The middleware marks this browser as a known device on the response.
    setattr(request, REMEMBER_DEVICE_ATTRIBUTE, user.get_username())
