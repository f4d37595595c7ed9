"""Local development: the embedded default. `make run` uses these settings."""

from .base import *  # noqa: F403
