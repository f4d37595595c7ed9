"""config.env: the readers that turn environment variables into settings."""

import pytest

from config.env import env_bool, env_int, env_list, env_str

NAME = "OUR_PLACES_TEST_VARIABLE"


@pytest.fixture(autouse=True)
def _unset(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)


def test_env_str(monkeypatch):
    assert env_str(NAME) == ""
    assert env_str(NAME, "fallback") == "fallback"
    monkeypatch.setenv(NAME, "value")
    assert env_str(NAME, "fallback") == "value"


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "on", " True "])
def test_env_bool_truthy(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    assert env_bool(NAME, False) is True


@pytest.mark.parametrize("value", ["0", "false", "no", "off", "nonsense"])
def test_env_bool_falsy(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    assert env_bool(NAME, True) is False


def test_env_bool_unset_or_empty_uses_default(monkeypatch):
    assert env_bool(NAME, True) is True
    assert env_bool(NAME) is False
    monkeypatch.setenv(NAME, "")
    assert env_bool(NAME, True) is True


def test_env_int(monkeypatch):
    assert env_int(NAME, 7) == 7
    monkeypatch.setenv(NAME, "")
    assert env_int(NAME, 7) == 7
    monkeypatch.setenv(NAME, "42")
    assert env_int(NAME, 7) == 42


def test_env_int_rejects_a_non_number(monkeypatch):
    # A typo in a deployment should stop the process, not run with a default.
    monkeypatch.setenv(NAME, "forty")
    with pytest.raises(ValueError):
        env_int(NAME, 7)


def test_env_list(monkeypatch):
    assert env_list(NAME) == []
    assert env_list(NAME, ["a"]) == ["a"]
    monkeypatch.setenv(NAME, " example.org, www.example.org ,,")
    assert env_list(NAME, ["a"]) == ["example.org", "www.example.org"]
    monkeypatch.setenv(NAME, "   ")
    assert env_list(NAME, ["a"]) == ["a"]


def test_env_list_default_is_copied():
    default = ["a"]
    env_list(NAME, default).append("b")
    assert default == ["a"]
