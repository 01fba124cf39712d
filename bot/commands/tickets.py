"""`sifbot tickets list/show/reply/note/claim/assign/priority/escalate/pending/solve/reopen/sweep`:
what an agent does, from the shell (same rules, history and notices as in chat). What a
requester typed is printed with personal numbers masked; `--json` is the raw record, for
scripts."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.bootstrap import db_path, load
from bot.cli import UsageError
from bot.handlers.flows.ticket_desk import outbox_notifier
from bot.handlers.notify import Outbox
from core.clock import system_clock
from core.errors import ConfigError
from core.models import Actor
from core.privacy import mask_text
from core.settings import Settings
from core.sla import calendar_covers, clock_view
from core.storage import open_repository
from core.storage.tickets import SqliteTicketStore
from core.ticket_models import AGENT_ROLES, TicketError, staff_subject
from core.tickets import Ticket, Tickets, TicketStatus

# action -> (its text argument, required?)
ACTIONS: dict[str, tuple[str | None, bool]] = {
    "reply": ("text", True), "note": ("text", True), "claim": (None, False),
    "assign": ("to", True), "priority": ("level", True), "escalate": ("reason", True),
    "pending": ("text", False), "solve": ("text", False), "reopen": ("reason", False),
}


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("tickets", help="support tickets and their SLA clocks")
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    listing = actions.add_parser("list", parents=[common], help="every ticket, oldest first")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--status", choices=[s.value for s in TicketStatus])
    listing.add_argument("--requester", help="platform:user")
    listing.add_argument("--tz", help="show times in this zone (default: support timezone)")
    listing.set_defaults(func=run_list)
    show = actions.add_parser("show", parents=[common], help="one ticket with its history")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    show.add_argument("--tz")
    show.set_defaults(func=run_show)
    for name, (argument, required) in ACTIONS.items():
        act = actions.add_parser(name, parents=[common])
        act.add_argument("id")
        if argument:
            act.add_argument(argument, nargs="+" if required else "*")
        act.add_argument("--as", dest="as_user", required=True, help="who acts ([roles]: agent)")
        act.add_argument("--json", action="store_true")
        act.set_defaults(func=run_action, action_name=name, argument=argument)
    sweep = actions.add_parser("sweep", parents=[common],
                               help="send due SLA warnings/breaches once; deliver waiting notices")
    sweep.add_argument("--json", action="store_true")
    sweep.set_defaults(func=run_sweep)


def ticket_service(args: argparse.Namespace) -> tuple[Tickets, Settings]:
    settings = load(args.config)
    repo = open_repository(db_path(args.db))
    notify = outbox_notifier(repo, Outbox(repo))
    return Tickets(SqliteTicketStore(repo), settings, system_clock, notify), settings


def viewer_zone(args: argparse.Namespace, settings: Settings) -> ZoneInfo:
    name = getattr(args, "tz", None) or settings.support.timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        if getattr(args, "tz", None):
            raise UsageError(f"--tz: unknown time zone {name!r}") from exc
        raise ConfigError(key="support.timezone", reason=f"unknown time zone {name!r}") from exc


def shell_identity(settings: Settings, user: str) -> str:
    """`bob` is `shell:bob` when [roles] knows him by that name: one identity per person, so
    what he does, what he owns and the notices he gets all carry the same name."""
    user = user.strip()
    if user not in settings.roles and f"shell:{user}" in settings.roles:
        return f"shell:{user}"
    return user


def agent_actor(settings: Settings, user: str) -> Actor:
    """The shell user acts with the role the settings give them: an agent or an admin."""
    user = shell_identity(settings, user)
    role = settings.roles.get(user)
    if role not in AGENT_ROLES:
        raise TicketError("ticket_not_agent", user=user)
    return Actor(user=user, role=role, platform="shell")


CALENDAR_AHEAD = 30  # days: how far ahead the sweep wants to know the holidays

STAFF = Actor(user="shell", role="admin", platform="shell")


def run_list(args: argparse.Namespace) -> int:
    service, settings = ticket_service(args)
    zone = viewer_zone(args, settings)
    statuses = [args.status] if args.status else None
    tickets = service.store.tickets(requester=args.requester, statuses=statuses)
    records = [ticket_json(t, service, zone) for t in tickets]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    for ticket, record in zip(tickets, records, strict=True):
        due = min((c["due_at"] for c in record["sla"].values()
                   if c["due_at"] and not c["met_at"] and not c["paused"]), default="-")
        print(f"{record['id']}\t{record['status']}\t{record['priority']}\t{record['category']}\t"
              f"T{record['tier']}\t{record['assignee'] or '-'}\t{due}\t{staff_subject(ticket)}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    service, settings = ticket_service(args)
    ticket = service.find(args.id, STAFF)
    record = ticket_json(ticket, service, viewer_zone(args, settings), history=True)
    if args.json:
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return 0
    shown = {**record, "subject": staff_subject(ticket)}  # masked whole, then cut
    for key, value in shown.items():
        if key not in ("sla", "history", "transcript", "attachments", "draft_problems"):
            print(f"{key}: {mask_text(str(value))}")
    for name, clock in record["sla"].items():
        print(f"sla.{name}: " + ", ".join(f"{k}={v}" for k, v in clock.items()))
    for entry in record["history"]:
        mark = "" if entry["public"] else " [internal]"
        print(f"  {entry['at']} {entry['actor']} {entry['action']}{mark} "
              f"{mask_text(entry['text'])}".rstrip())
    return 0


def run_action(args: argparse.Namespace) -> int:
    service, settings = ticket_service(args)
    actor = agent_actor(settings, args.as_user)
    text = " ".join(getattr(args, args.argument, None) or []) if args.argument else ""
    doing = {
        "reply": service.reply, "note": service.note, "assign": service.assign,
        "escalate": service.escalate, "pending": service.pending, "solve": service.solve,
        "reopen": service.reopen, "priority": service.set_priority,
    }
    if args.action_name == "assign":
        text = shell_identity(settings, text)
    if args.action_name == "claim":
        ticket = service.claim(args.id, actor)
    else:
        ticket = doing[args.action_name](args.id, actor, text)
    if args.json:
        print(json.dumps(ticket_json(ticket, service, viewer_zone(args, settings)),
                         ensure_ascii=False, indent=2))
    else:
        print(f"{ticket.id} {ticket.status.value} {ticket.priority} tier {ticket.tier} "
              f"{ticket.assignee or '-'}")
    return 0


def run_sweep(args: argparse.Namespace) -> int:
    service, _settings = ticket_service(args)
    result = service.sweep()
    ahead = service.clock().astimezone(service.cals.zone).date() + timedelta(days=CALENDAR_AHEAD)
    if not calendar_covers(ahead):  # said to the operator who runs the sweep, not to customers
        print(f"warning: the installed chinese_calendar has no holidays for {ahead.year}; "
              "working days there are Mon-Fri without 1 Jan, 1 May and 1-3 Oct. Update it "
              "(pip install -U chinesecalendar) or list them in [sla] holidays/workdays.",
              file=sys.stderr)
    if args.json:
        print(json.dumps(result.model_dump(), ensure_ascii=False, indent=2))
    else:
        for ticket_id, clock, kind in result.events:
            print(f"{ticket_id}\t{clock}\t{kind}")
        print(f"events {len(result.events)}, notices delivered {result.delivered}, "
              f"closed {len(result.closed)}")
    return 0


def _time(value: datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).isoformat() if value else None


def ticket_json(ticket: Ticket, service: Tickets, zone: ZoneInfo,
                history: bool = False) -> dict[str, Any]:
    """interfaces.md: snake_case, times as ISO 8601 with offset, and the `sla` object."""
    now = service.clock()
    record: dict[str, Any] = {
        "id": ticket.id, "number": ticket.number, "status": ticket.status.value,
        "priority": ticket.priority, "category": ticket.category, "subject": ticket.subject,
        "description": ticket.description, "requester": ticket.requester,
        "channel": ticket.channel, "assignee": ticket.assignee, "tier": ticket.tier,
        "attachments": [a.model_dump() for a in ticket.attachments],
        "transcript": [t.model_dump() for t in ticket.transcript],
        "faq_queries": ticket.faq_queries, "draft_id": ticket.draft_id,
        "draft_problems": [p.model_dump() for p in ticket.draft_problems],
        "created_at": _time(ticket.created_at, zone), "updated_at": _time(ticket.updated_at, zone),
        "solved_at": _time(ticket.solved_at, zone), "closed_at": _time(ticket.closed_at, zone),
        "sla": {name: clock_view(clock, service.cals, now, zone)
                for name, clock in ticket.clocks.items()},
    }
    if history:
        record["history"] = [{
            "at": _time(e.at, zone), "actor": e.actor, "role": e.role, "action": e.action,
            "text": e.text, "public": e.public, "changes": e.changes,
        } for e in ticket.history]
    return record
