"""The load benchmark's results as a table, each figure beside its target (issue 15, part 2)
and whether it is met."""

from __future__ import annotations

from typing import Any


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _p(stats: dict[str, Any], key: str) -> float | None:
    return stats.get(key)


def rows(db: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(measure, echo bot, real bot, target, met) for one database."""
    echo, bot = db["echo"], db["bot"]
    out: list[tuple[str, str, str, str, str]] = []
    ratio = bot["saturation"]["throughput"] / max(echo["saturation"]["throughput"], 1e-9)
    out.append(
        (
            "(a) throughput at saturation, updates/s",
            f"{echo['saturation']['throughput']}",
            f"{bot['saturation']['throughput']} ({ratio:.2f}x)",
            ">= 0.5x echo",
            _met(ratio >= 0.5),
        )
    )
    for label, limit in (("rate", 20.0), ("saturation", 200.0)):
        e, b = echo[label]["latency_ms"], bot[label]["latency_ms"]
        where = f"at {bot[label]['rate_asked']:g}/s" if label == "rate" else "at saturation"
        out.append(
            (
                f"(a) latency {where}, p50/p95/p99 ms",
                f"{_p(e, 'p50')}/{_p(e, 'p95')}/{_p(e, 'p99')}",
                f"{_p(b, 'p50')}/{_p(b, 'p95')}/{_p(b, 'p99')}",
                f"p95 <= {limit:g} ms",
                _met(b.get("p95") is not None and b["p95"] <= limit),
            )
        )
    lost = sum(bot[k]["lost"] for k in ("rate", "saturation"))
    refused = sum(bot[k]["refused"] for k in ("rate", "saturation"))
    echo_lost = sum(echo[k]["lost"] + echo[k]["refused"] for k in ("rate", "saturation"))
    out.append(
        (
            "(a) replies lost / calls refused",
            f"{echo_lost}",
            f"{lost} / {refused}",
            "0 / 0",
            _met(lost == 0 and refused == 0),
        )
    )
    out.append(
        (
            "(a) outbox sent to the crowd (rate, saturation) / unsent at the end / crashes",
            "-",
            f"{bot['rate'].get('outbox_to_crowd')}, {bot['saturation'].get('outbox_to_crowd')}"
            f" / {bot.get('outbox_pending_after', '?')} / {db.get('crashes', '?')}",
            "(for reading the figures)",
            "",
        )
    )
    sheets = bot["run_sheets"]
    ok = sheets["ratio_to_floor"] <= 1.05 and sheets["groups_reached"] == sheets["antennas"]
    out.append(
        (
            f"(b) {sheets['antennas']} run sheets, s (floor {sheets['floor_s']} s)",
            "-",
            f"{sheets['seconds']} ({sheets['ratio_to_floor']}x floor), "
            f"{sheets['groups_reached']} groups, {sheets['too_many_requests']} x 429",
            "<= 1.05x floor, no 429 to a person",
            _met(ok),
        )
    )
    render = db["render"]
    for key, value in render["times"].items():
        out.append(
            (
                f"(c) {key.replace(':', ', ')} antenna, median ms",
                "-",
                f"{value['median_ms']} (max {value['max_ms']})",
                "<= 20 ms",
                _met(value["median_ms"] <= 20),
            )
        )
    scans = {
        name: sorted(
            {
                line.split(" on ")[-1].split()[0] if " on " in line else line.split()[1]
                for line in plan["full_scans"]
            }
        )
        for name, plan in render["plans"].items()
    }
    out.append(
        (
            "(c) full scans of big tables",
            "-",
            "; ".join(f"{n}: {', '.join(s) or 'none'}" for n, s in scans.items()),
            "none",
            _met(not any(scans.values())),
        )
    )
    for label, key in (("idle", "rss_idle_mb"), ("after load", "rss_after_mb")):
        out.append(
            (
                f"(d) memory {label}, MB",
                f"{echo[key]:.1f}",
                f"{bot[key]:.1f} (+{bot[key] - echo[key]:.1f})",
                "<= echo + 40 MB",
                _met(bot[key] <= echo[key] + 40),
            )
        )
    e, b = echo["start_s"]["median"], bot["start_s"]["median"]
    out.append(
        (
            "(e) start to first getUpdates, s (median)",
            f"{e}",
            f"{b} ({b / e:.2f}x)",
            "<= 1.2x echo",
            _met(b <= 1.2 * e),
        )
    )
    return out


def by_kind(db: dict[str, Any]) -> list[str]:
    lines = ["  per kind (real bot) p50/p95/p99 ms [n]: at the rate | at saturation"]
    bot = db["bot"]
    kinds = sorted(set(bot["rate"]["by_kind"]) | set(bot["saturation"]["by_kind"]))
    for kind in kinds:
        cells = []
        for label in ("rate", "saturation"):
            s = bot[label]["by_kind"].get(kind, {"n": 0})
            cells.append(f"{s.get('p50')}/{s.get('p95')}/{s.get('p99')} [{s['n']}]")
        lines.append(f"    {kind:<9} {cells[0]:<26} | {cells[1]}")
    return lines


def table(results: dict[str, Any]) -> str:
    lines: list[str] = []
    for kind, db in results["databases"].items():
        net = db["network"]
        lines.append(
            f"\n== {kind}: {net['antennas']} antennas, {net['members']} members, "
            f"{net['history_items']} items of history on one antenna"
        )
        header = ("measure", "echo bot", "real bot", "target", "")
        body = rows(db)
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(5)]
        for r in [header, *body]:
            lines.append("  " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
        lines += by_kind(db)
    return "\n".join(lines)
