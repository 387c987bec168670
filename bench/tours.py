"""Benchmark of the tour solver on generated Brussels-like evening tours (``python -m
bench.tours``): how long planning a 25-stop tour takes, and how much shorter it is than the
order a person would take, the stores by the start of their window.

For each seed and each way of setting windows (see :mod:`bench.brussels`) it times the whole
planning (travel matrix and :func:`~logistics.tours.solver.plan_tour`), then evaluates with
:func:`~logistics.tours.solver.evaluate_order`, from the hub and back:

- the window-start order of all 25 stores (what a person would drive, late or not);
- the window-start order of the stores the solver served (the same stores as its tour).

The second comparison is the fair one whenever the solver leaves stores out: a tour of fewer
stores is shorter for that reason alone. A table is printed and the figures are written to
``bench/results-tours.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.brussels import STORES, Windows, evening_tour
from logistics.tours.distances import travel_matrix
from logistics.tours.solver import (
    DEFAULT_EXPLORATION,
    TourPlan,
    TourStop,
    evaluate_order,
    plan_tour,
)

RESULTS = Path(__file__).with_name("results-tours.json")
SCENARIOS: tuple[Windows, ...] = ("specified", "agreed")


def by_window_start(stops: list[TourStop]) -> list[TourStop]:
    """The order a person would take: the earliest window first."""
    return sorted(stops, key=lambda stop: (stop.window[0], stop.id))


def _late(plan: TourPlan) -> int:
    return sum("window" in planned.problems for planned in plan.stops)


def measure(seed: int, windows: Windows, exploration_level: int) -> dict[str, Any]:
    tour = evening_tour(seed, windows)
    began = time.perf_counter()
    matrix = travel_matrix(tour.points)
    plan = plan_tour(tour.stops, tour.van, matrix, exploration_level=exploration_level)
    seconds = time.perf_counter() - began

    # the same stores with no window but the van's shift: how long the shortest round takes
    open_all_evening = [replace(stop, window=tour.van.shift) for stop in tour.stops]
    unbound = plan_tour(open_all_evening, tour.van, matrix, exploration_level=exploration_level)

    served = [planned.stop for planned in plan.stops]
    person_all = evaluate_order(by_window_start(list(tour.stops)), tour.van, matrix)
    person_same = evaluate_order(by_window_start(served), tour.van, matrix)
    return {
        "seed": seed,
        "solve_s": round(seconds, 4),
        "served": len(served),
        "unassigned": dict(sorted(Counter(u.reason for u in plan.unassigned).items())),
        "solver_km": round(plan.metres / 1000, 2),
        "solver_on_time": plan.feasible,
        "solver_hours": round(plan.seconds / 3600, 2),
        "window_order_km": round(person_all.metres / 1000, 2),
        "window_order_late": _late(person_all),
        "window_order_same_stops_km": round(person_same.metres / 1000, 2),
        "window_order_same_stops_late": _late(person_same),
        "shorter_than_same_stops_pct": round(100 * (1 - plan.metres / person_same.metres), 1),
        "shorter_than_all_stops_pct": round(100 * (1 - plan.metres / person_all.metres), 1),
        "no_window_served": len(unbound.stops),
        "no_window_km": round(unbound.metres / 1000, 2),
        "no_window_hours": round(unbound.seconds / 3600, 2),
        "no_window_first_to_last_store_hours": round(_first_to_last(unbound) / 3600, 2),
        "window_starts": [_clock(min(s.window[0] for s in tour.stops)), _clock(_last(tour))],
    }


def _first_to_last(plan: TourPlan) -> int:
    """Seconds from reaching the first store to leaving the last one."""
    last = plan.stops[-1]
    return last.start + last.stop.service - plan.stops[0].arrival


def _last(tour: Any) -> int:
    return max(stop.window[0] for stop in tour.stops)


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    times = [row["solve_s"] for row in rows]
    reasons: Counter[str] = Counter()
    for row in rows:
        reasons.update(row["unassigned"])
    return {
        "seeds": len(rows),
        "solve_s_median": round(statistics.median(times), 4),
        "solve_s_max": round(max(times), 4),
        "seeds_with_all_served": sum(row["served"] == STORES for row in rows),
        "served_mean": round(statistics.mean(row["served"] for row in rows), 2),
        "served_min": min(row["served"] for row in rows),
        "unassigned_reasons": dict(sorted(reasons.items())),
        "solver_on_time_seeds": sum(row["solver_on_time"] for row in rows),
        "solver_km_mean": _mean(rows, "solver_km"),
        "window_order_km_mean": _mean(rows, "window_order_km"),
        "window_order_late_mean": _mean(rows, "window_order_late"),
        "window_order_same_stops_km_mean": _mean(rows, "window_order_same_stops_km"),
        "window_order_same_stops_late_mean": _mean(rows, "window_order_same_stops_late"),
        "shorter_than_same_stops_pct_mean": _mean(rows, "shorter_than_same_stops_pct"),
        "shorter_than_same_stops_pct_min": min(r["shorter_than_same_stops_pct"] for r in rows),
        "shorter_than_all_stops_pct_mean": _mean(rows, "shorter_than_all_stops_pct"),
        "no_window_km_mean": _mean(rows, "no_window_km"),
        "no_window_hours_mean": _mean(rows, "no_window_hours"),
        "no_window_first_to_last_store_hours_mean": _mean(
            rows, "no_window_first_to_last_store_hours"
        ),
    }


def _mean(rows: list[dict[str, Any]], key: str) -> float:
    return round(statistics.mean(row[key] for row in rows), 2)


def print_table(windows: str, rows: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    print(f"\n== windows: {windows}")
    print("seed  solve ms  served  solver km  by-window km (late)  same stops km (late)  shorter")
    for r in rows:
        print(
            f"{r['seed']:>4}  {r['solve_s'] * 1000:>8.1f}  {r['served']:>4}/{STORES}"
            f"  {r['solver_km']:>9.1f}  {r['window_order_km']:>12.1f} ({r['window_order_late']:>2})"
            f"  {r['window_order_same_stops_km']:>13.1f} ({r['window_order_same_stops_late']:>2})"
            f"  {r['shorter_than_same_stops_pct']:>6.1f} %"
        )
    s = summary
    print(
        f"solve time: median {s['solve_s_median'] * 1000:.1f} ms, max {s['solve_s_max'] * 1000:.1f}"
        f" ms; all {STORES} served in {s['seeds_with_all_served']}/{s['seeds']} seeds"
        f" (mean {s['served_mean']}, left out: {s['unassigned_reasons'] or 'none'});"
        f" solver tours on time: {s['solver_on_time_seeds']}/{s['seeds']}"
    )
    print(
        f"shorter than the window-start order of the same stores: mean"
        f" {s['shorter_than_same_stops_pct_mean']} % (min {s['shorter_than_same_stops_pct_min']}"
        f" %), which is late at {s['window_order_same_stops_late_mean']} stores on average;"
        f" than all {STORES} by window start: {s['shorter_than_all_stops_pct_mean']} %"
    )
    print(
        f"the same stores without windows: {s['no_window_km_mean']} km,"
        f" {s['no_window_hours_mean']} h with service on average, of which"
        f" {s['no_window_first_to_last_store_hours_mean']} h from the first store to the last"
    )


def machine() -> dict[str, Any]:
    return {
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "processor": _cpu_model() or platform.machine(),
        "python": platform.python_version(),
        "pyvroom": version("pyvroom"),
        "system": platform.system(),
    }


def _cpu_model() -> str | None:
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return names[0] if names else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tours", description=__doc__)
    parser.add_argument("--seeds", type=int, default=30, help="tours per scenario (30)")
    parser.add_argument("--exploration", type=int, default=DEFAULT_EXPLORATION)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    given = sys.argv[1:] if argv is None else argv
    results: dict[str, Any] = {
        "command": " ".join(["python -m bench.tours", *given]),
        "machine": machine(),
        "exploration_level": args.exploration,
        "scenarios": {},
    }
    for windows in SCENARIOS:
        rows = [measure(seed, windows, args.exploration) for seed in range(args.seeds)]
        summary = summarise(rows)
        print_table(windows, rows, summary)
        results["scenarios"][windows] = {"summary": summary, "seeds": rows}
    args.output.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
