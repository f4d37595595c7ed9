"""A small closed-loop HTTP load generator for the benchmark's local server.

Each of `concurrency` threads keeps one HTTP/1.1 connection (reopened when the
server closes it, as gunicorn's sync workers do after every response) and
sends the same request again as soon as the last response has been read. A
warm-up runs first and is not counted; then only responses that finish inside
the measured window count, so the figures do not depend on stragglers. A
response counts by when it finished, whenever it was sent: a closed loop always
has `concurrency` requests in flight, so requiring them to be sent inside the
window too would drop about one latency's worth of responses and under-count a
slow page (by a fifth for a 1 s response in a 5 s window). Every
response is also tallied by status over the whole run (warm-up and stragglers
included), so a POST scenario can compare what the server accepted with the
rows it stored.

It only talks to 127.0.0.1, and every thread stops by the deadline (plus at
most one socket timeout), so it cannot hammer anything else or run away.
"""

import http.client
import math
import secrets
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

LOCALHOST = "127.0.0.1"
SOCKET_TIMEOUT = 30.0
#: In a request body, replaced by a number no other request of the run has:
#: answers that differ, as different people's do (a form may take a second
#: copy of the same answers from the same client for a resend and not store it).
SEQUENCE = b"__SEQ__"


@dataclass
class LoadResult:
    seconds: float
    concurrency: int
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)
    #: Every response and failure of the run, warm-up and stragglers included.
    all_statuses: Counter = field(default_factory=Counter)
    all_failures: Counter = field(default_factory=Counter)
    client_cpu_seconds: float = 0.0

    @property
    def requests(self) -> int:
        """Responses received in the measured window, whatever their status."""
        return len(self.latencies_ms)

    @property
    def ok(self) -> int:
        """2xx answers, and 303: a form POST that was stored answers with a redirect (PRG)."""
        return sum(
            count for status, count in self.statuses.items() if 200 <= status < 300 or status == 303
        )

    @property
    def errors(self) -> int:
        """Responses that are not OK (see `ok`), plus requests that got no response at all."""
        return self.requests - self.ok + sum(self.failures.values())

    @property
    def requests_per_second(self) -> float:
        """Successful (2xx, or 303 after a POST) responses per second."""
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds."""
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return math.nan
        rank = max(1, math.ceil(q / 100 * len(ordered)))
        return ordered[rank - 1]

    def summary(self) -> dict:
        return {
            "requests": self.requests,
            "requests_per_second": round(self.requests_per_second, 1),
            "p50_ms": round(self.percentile(50), 2),
            "p95_ms": round(self.percentile(95), 2),
            "p99_ms": round(self.percentile(99), 2),
            "max_ms": round(max(self.latencies_ms, default=math.nan), 2),
            "errors": self.errors,
            "statuses": {str(status): count for status, count in sorted(self.statuses.items())},
            "failures": dict(self.failures),
            "all_statuses": {
                str(status): count for status, count in sorted(self.all_statuses.items())
            },
            "all_failures": dict(self.all_failures),
            "seconds": round(self.seconds, 3),
            "concurrency": self.concurrency,
            "client_cpu_percent": round(100 * self.client_cpu_seconds / self.seconds, 1)
            if self.seconds
            else None,
        }


def fetch(port: int, method: str, path: str, body: bytes | None = None, headers=None):
    """One request on a fresh connection: (status, headers, body). For probes and setup."""
    connection = http.client.HTTPConnection(LOCALHOST, port, timeout=SOCKET_TIMEOUT)
    try:
        if body is not None:
            body = body.replace(SEQUENCE, f"probe-{secrets.token_hex(4)}".encode())
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def run_load(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers=None,
    seconds: float,
    warmup: float,
    concurrency: int,
) -> LoadResult:
    headers = {"Host": f"{LOCALHOST}:{port}", **dict(headers or {})}
    start = time.perf_counter()
    measure_from = start + warmup
    measure_until = measure_from + seconds
    result = LoadResult(seconds=seconds, concurrency=concurrency)
    lock = threading.Lock()

    def worker(number: int) -> None:
        latencies: list[float] = []
        statuses: Counter = Counter()
        failures: Counter = Counter()
        all_statuses: Counter = Counter()
        all_failures: Counter = Counter()
        connection = http.client.HTTPConnection(LOCALHOST, port, timeout=SOCKET_TIMEOUT)
        try:
            sequence = 0
            while (sent := time.perf_counter()) < measure_until:
                payload = body
                if body is not None and SEQUENCE in body:
                    sequence += 1
                    payload = body.replace(SEQUENCE, f"{number}-{sequence}".encode())
                try:
                    connection.request(method, path, body=payload, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                    if response.will_close:
                        connection.close()
                except (OSError, http.client.HTTPException) as error:
                    # The connection is unusable; the next request reopens it.
                    connection.close()
                    status = None
                    kind = type(error).__name__
                done = time.perf_counter()
                if status is None:
                    all_failures[kind] += 1
                else:
                    all_statuses[status] += 1
                if not measure_from <= done <= measure_until:
                    continue
                if status is None:
                    failures[kind] += 1
                else:
                    latencies.append((done - sent) * 1000)
                    statuses[status] += 1
        finally:
            connection.close()
            with lock:
                result.latencies_ms.extend(latencies)
                result.statuses.update(statuses)
                result.failures.update(failures)
                result.all_statuses.update(all_statuses)
                result.all_failures.update(all_failures)

    cpu_before = time.process_time()
    threads = [
        threading.Thread(target=worker, args=(n,), name=f"load-{n}", daemon=True)
        for n in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=warmup + seconds + SOCKET_TIMEOUT + 5)
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("load generator threads did not stop; is the server hung?")
    # Client CPU covers the warm-up too; the share is what matters on a small machine.
    result.client_cpu_seconds = (time.process_time() - cpu_before) * seconds / (warmup + seconds)
    return result


def wait_until_up(port: int, path: str, timeout: float, alive) -> None:
    """Poll until the server answers at all; `alive()` says if it is still starting."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError("the server exited while starting")
        try:
            fetch(port, "GET", path)
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOCALHOST, 0))
        return probe.getsockname()[1]
