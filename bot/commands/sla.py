"""`sifbot sla report [--json] [--png FILE] [--from DATE] [--to DATE]`: first-response and
resolution compliance per priority and category over a period, the breached tickets listed, and
a chart for the manager who would rather look than read."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.cli import UsageError
from bot.commands.tickets import ticket_service, viewer_zone
from core.sla import CLOCK_NAMES
from core.sla_report import compliance_report

DEFAULT_DAYS = 30
# Days a report can span: any wider and a day's bounds in another zone fall off the calendar.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(f"{text} is out of range ({FIRST_DAY} to {LAST_DAY})")
    return day


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("sla", help="SLA compliance reports")
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    report = actions.add_parser("report", parents=[common],
                                help="compliance per priority and category over a period")
    report.add_argument("--json", action="store_true")
    report.add_argument("--png", metavar="FILE", help="also draw a chart into FILE")
    report.add_argument("--from", dest="start", type=_day,
                        help=f"first day filed (default: {DEFAULT_DAYS} days ago)")
    report.add_argument("--to", dest="end", type=_day, help="last day filed (default: today)")
    report.add_argument("--tz", help="the days and times of this zone (default: support's)")
    report.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    service, settings = ticket_service(args)
    zone = viewer_zone(args, settings)
    now = service.clock()
    last = args.end or now.astimezone(zone).date()
    first = args.start or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise UsageError(f"sifbot sla report: --from {first} is after --to {last}")
    start = datetime.combine(first, datetime.min.time(), zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), zone)
    tickets = service.store.tickets(created_from=start, created_to=end)
    report = compliance_report(tickets, service.cals, now, start, end, zone)
    if args.png:
        draw(report, Path(args.png))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(text_report(report))
    return 0


def _rate(tally: dict[str, Any]) -> str:
    decided = tally["met"] + tally["breached"]
    if not decided:
        return f"{'-':>7} ({tally['open']} open)"
    return f"{tally['compliance'] * 100:6.1f}% {tally['met']}/{decided} ({tally['open']} open)"


def text_report(report: dict[str, Any]) -> str:
    lines = [f"SLA {report['from'][:10]} .. {report['to'][:10]} (to exclusive); "
             f"tickets {report['totals']['tickets']}",
             f"{'':20}{'first response':>28}{'resolution':>28}"]
    for title, groups in (("priority", report["by_priority"]), ("category", report["by_category"])):
        for key, group in groups.items():
            if group["tickets"]:
                lines.append(f"{title + ' ' + key:20}" + "".join(
                    f"{_rate(group[name]):>28}" for name in CLOCK_NAMES))
    lines.append(f"{'all':20}" + "".join(f"{_rate(report['totals'][n]):>28}" for n in CLOCK_NAMES))
    lines.append(f"breached ({len(report['breached'])}):")
    lines += [f"  {b['id']}\t{b['clock']}\t{b['priority']}\t{b['category']}\tdue {b['due_at']}\t"
              f"{b['elapsed_minutes']}/{b['target_minutes']} min\t{b['status']}"
              for b in report["breached"]]
    return "\n".join(lines)


def draw(report: dict[str, Any], path: Path) -> None:
    """Two panels of bars: % met in time per priority and per category, for each clock."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    for axis, (title, groups) in zip(axes, (("by priority", report["by_priority"]),
                                            ("by category", report["by_category"])), strict=True):
        keys = [key for key, group in groups.items() if group["tickets"]] or list(groups)
        width = 0.38
        for offset, name in ((-width / 2, "first_response"), (width / 2, "resolution")):
            tallies = [groups[key][name] for key in keys]
            values = [(t["compliance"] or 0) * 100 for t in tallies]
            bars = axis.bar([i + offset for i in range(len(keys))], values, width,
                            label=name.replace("_", " "))
            for bar, tally in zip(bars, tallies, strict=True):
                decided = tally["met"] + tally["breached"]
                axis.annotate(f"{tally['met']}/{decided}" if decided else "n/a",
                              (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                              ha="center", va="bottom", fontsize=8)
        axis.set_xticks(range(len(keys)), keys)
        axis.set_ylim(0, 110)
        axis.set_ylabel("% met within target")
        axis.set_title(title)
        axis.axhline(100, color="grey", linewidth=0.5)
        axis.legend(loc="lower right", fontsize=8)
    breached = len(report["breached"])
    figure.suptitle(f"SLA compliance, tickets filed {report['from'][:10]} to "
                    f"{report['to'][:10]} (exclusive): {report['totals']['tickets']} tickets, "
                    f"{breached} breached clock(s)")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
