"""The query-count helpers themselves: they must catch an N+1."""

import itertools

import pytest
from django.contrib.auth.models import Group

from tests.helpers.queries import assert_same_query_count, count_queries


_names = itertools.count()


def make_groups(n):
    return lambda: Group.objects.bulk_create(Group(name=f"Group {next(_names)}") for _ in range(n))


@pytest.mark.django_db
def test_count_queries():
    assert count_queries(lambda: list(Group.objects.all())) == 1
    assert count_queries(lambda: None) == 0


@pytest.mark.django_db
def test_constant_render_passes():
    count = assert_same_query_count(make_groups(1), make_groups(5), lambda: list(Group.objects.all()))

    assert count == 1


@pytest.mark.django_db
def test_n_plus_one_fails_with_the_sql():
    def render():
        for group in Group.objects.all():
            list(group.permissions.all())

    groups_before = Group.objects.count() + 1

    with pytest.raises(AssertionError) as failure:
        assert_same_query_count(make_groups(1), make_groups(4), render)
    message = str(failure.value)
    assert f"grew from {1 + groups_before} to {1 + groups_before + 4}" in message
    assert "auth_permission" in message


@pytest.mark.django_db
def test_max_queries_is_enforced():
    with pytest.raises(AssertionError, match="more than the 0 allowed"):
        assert_same_query_count(
            make_groups(1), make_groups(1), lambda: list(Group.objects.all()), max_queries=0
        )
