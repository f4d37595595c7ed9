"""`make bench`: throughput and latency figures for the site under gunicorn (see README.md)."""
