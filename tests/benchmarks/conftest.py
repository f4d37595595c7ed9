"""Benchmarks are run by `make bench`, never collected by pytest: they print figures
and cannot fail on time. Nothing in this folder is a test, whatever its name."""

collect_ignore_glob = ["*"]
