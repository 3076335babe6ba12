"""The harness of the concurrent write benchmarks (bench.calls, bench.hotline_calls): worker processes forked from a
prepared database, each writing through the application's services for a set time, and the figures of their timings."""

import multiprocessing
import statistics
import time


def setup():
    import django

    django.setup()


def run(target, arguments):
    """Fork one process per tuple of `arguments`, each calling target(*arguments, results); returns their reports (what
    each put in `results`) and the seconds from the first start to the last report."""
    from django.db import connection

    connection.close()  # each process opens its own
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [context.Process(target=target, args=(*args, results)) for args in arguments]
    started = time.perf_counter()
    for process in processes:
        process.start()
    reports = [results.get() for _ in processes]
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    return reports, elapsed


def figures(count, elapsed, reports):
    """The rate and latencies of `count` writes in `elapsed` seconds, from the timings each report holds."""
    timings = sorted(t for report in reports for t in report["timings"])
    return {
        "calls": count,
        "seconds": round(elapsed, 2),
        "calls_per_second": round(count / elapsed, 1) if elapsed else 0,
        "p50_ms": round(statistics.median(timings) * 1000, 1) if timings else 0,
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))] * 1000, 1) if timings else 0,
        "failures": sum(report["failures"] for report in reports),
    }
