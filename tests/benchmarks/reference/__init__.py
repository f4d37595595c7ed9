"""The reference pages `make bench` measures the site against (installed only with
BENCHMARK_ROUTES; see ../README.md)."""
