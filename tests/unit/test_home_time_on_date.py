"""Deadlines read as GOV.UK writes them, and never end a sentence with "p.m.."."""

import datetime

import pytest
from django.utils import timezone

from home.templatetags.home_tags import time_on_date


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (21, 8, "9:08pm on 1 December 2027"),
        (0, 0, "12:00am on 1 December 2027"),
        (12, 30, "12:30pm on 1 December 2027"),
        (9, 5, "9:05am on 1 December 2027"),
    ],
)
def test_a_deadline_reads_time_then_date(hour, minute, expected):
    value = timezone.make_aware(datetime.datetime(2027, 12, 1, hour, minute))
    assert time_on_date(value) == expected
    assert not f"Open until {time_on_date(value)}.".endswith("..")


def test_no_deadline_is_empty():
    assert time_on_date(None) == ""
