"""Tickets after filing: "my tickets", the status of one, adding information; and the agents'
desk in chat (role agent): the queue by due time, claim, assign, reply, internal note, priority,
escalate, pending, solve, reopen. Every rule is the core's (core.tickets); this only talks.

Tax IDs, bank accounts, phone numbers and e-mail addresses that a requester typed are theirs:
anyone else who sees a ticket (the agents' queue, a ticket shown to an agent, a notice to the
support channel) sees them masked."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.handlers.context import Ctx
from bot.handlers.engine import Command
from bot.handlers.events import Choice, FileRef, Reply
from bot.handlers.flows.ticket_messages import tt
from bot.handlers.notify import Outbox
from bot.handlers.services import PROFILE_KIND, Services
from core.errors import PermissionDenied
from core.i18n import normalise_lang
from core.privacy import mask_text
from core.sla import clock_view
from core.storage.base import Repository
from core.storage.sqlite import SqliteRepository
from core.storage.tickets import SqliteTicketStore
from core.ticket_models import AGENT_ROLES, PRIORITIES, Notifier, render_notice, staff_subject
from core.tickets import Attachment, Notice, Ticket, TicketEvent, Tickets, TicketStatus

FOLLOW_UPS = ("add_info", "reply", "note", "reason")
ID = r"(T-\d{1,9})"
SHOWN_ROWS = 20


# -- wiring -------------------------------------------------------------------------------------
def outbox_notifier(repo: Repository, outbox: Outbox) -> Notifier:
    """The core's notifier port on the Outbox: each notice in its reader's language, on their
    own platform (a Telegram customer gets a Slack agent's reply in Telegram)."""
    def send(notices: list[Notice]) -> None:
        by_person: dict[str, list[Notice]] = {}
        for notice in notices:
            by_person.setdefault(notice.to, []).append(notice)
        for person, theirs in by_person.items():  # one outbox write each
            lang = normalise_lang((repo.get_doc(PROFILE_KIND, person) or {}).get("lang"))
            outbox.notify(person, [_reply(notice, lang) for notice in theirs])
    return send


def _reply(notice: Notice, lang: str) -> Reply:
    choices = [Choice(id=f"ticket:show:{notice.ticket_id}",
                      label=tt("ticket.choice.show", lang, id=notice.ticket_id))]
    if notice.audience == "requester" and notice.key != "ticket.notice.closed":
        choices.append(Choice(id=f"ticket:add:{notice.ticket_id}",
                              label=tt("ticket.choice.add_info", lang)))
    elif notice.audience == "staff":  # whoever is free takes it, from the channel itself
        choices.append(Choice(id=f"ticket:claim:{notice.ticket_id}",
                              label=tt("ticket.choice.claim", lang)))
    return Reply(text=render_notice(notice, lang), choices=choices)  # staff's: masked by core


def ticket_service(services: Services) -> Tickets:
    """The ticket service of these services (built here until Services carries one)."""
    existing = getattr(services, "tickets", None)
    if isinstance(existing, Tickets):
        return existing
    repo = services.repo
    if not isinstance(repo, SqliteRepository):  # pragma: no cover - one storage today
        raise TypeError("tickets need the SQLite repository")
    return Tickets(SqliteTicketStore(repo), services.settings, services.clock,
                   outbox_notifier(repo, services.notifier))


def shown(ctx: Ctx, moment: datetime | None) -> str:
    """A time in the viewer's zone (the support zone: chat platforms do not tell us theirs)."""
    if moment is None:
        return "-"
    return f"{moment.astimezone(ZoneInfo(ctx.services.settings.support.timezone)):%Y-%m-%d %H:%M}"


def is_agent(ctx: Ctx) -> bool:
    return ctx.actor.role in AGENT_ROLES


MAX_FILE_BYTES = 20 * 1024 * 1024  # Telegram's own download limit for bots


def files_of(ctx: Ctx) -> list[Attachment]:
    """The files sent with this message that are really there (see `unusable_files`)."""
    return [attachment(f) for f in ctx.inbound.files if _unusable(f) is None]


def unusable_files(ctx: Ctx) -> list[str]:
    """What is wrong with each file that cannot be attached, as "name (reason)"."""
    problems = []
    for ref in ctx.inbound.files:
        reason = _unusable(ref)
        if reason is not None:
            problems.append(ctx_t(ctx, "ticket.file_problem", name=attachment(ref).name,
                                  reason=ctx_t(ctx, f"ticket.file_problem.{reason}",
                                               mb=MAX_FILE_BYTES // (1024 * 1024))))
    return problems


def _unusable(ref: FileRef) -> str | None:
    path = Path(ref.path)
    if not path.exists():
        return "missing"
    if not path.is_file():
        return "not_a_file"
    if path.stat().st_size > MAX_FILE_BYTES:
        return "too_big"
    return None


def attachment(ref: FileRef) -> Attachment:
    return Attachment(path=ref.path, name=ref.name or ref.path.rsplit("/", 1)[-1], mime=ref.mime)


# -- the requester ------------------------------------------------------------------------------
def list_mine(ctx: Ctx) -> None:
    tickets = ticket_service(ctx.services).mine(ctx.actor)[-SHOWN_ROWS:]
    if not tickets:
        ctx.say(ctx_t(ctx, "ticket.none"), [Choice(id="ticket:new", label=ctx_t(ctx, "ticket.choice.new"))])
        return
    rows = [ctx_t(ctx, "ticket.row", id=t.id, status=t.status.value, subject=t.subject)
            for t in tickets]
    ctx.say(ctx_t(ctx, "ticket.mine", count=len(tickets)) + "\n" + "\n".join(rows),
            [show_choice(ctx, t.id) for t in tickets[-5:]])


def show(ctx: Ctx, ref: str) -> None:
    service = ticket_service(ctx.services)
    ticket = service.find(ref, ctx.actor)
    ctx.out.refs["ticket_id"] = ticket.id
    own = ctx.actor.user == ticket.requester
    lines = [ctx_t(ctx, "ticket.view", id=ticket.id, status=ticket.status.value,
                   category=ticket.category, priority=ticket.priority,
                   subject=ticket.subject if own else staff_subject(ticket),
                   created=shown(ctx, ticket.created_at))]
    if ticket.description != ticket.subject:
        lines.append(ticket.description)
    lines += [ctx_t(ctx, "ticket.view.clock", clock=name, state=_clock_state(ctx, service, ticket, name))
              for name in ticket.clocks]
    if is_agent(ctx):
        lines += _agent_details(ctx, ticket)
    lines += [_entry(ctx, ticket, e) for e in service.history(ticket, ctx.actor)[-10:]]
    text = "\n".join(lines)
    ctx.say(text if own else mask_text(text), _actions(ctx, ticket))


def _clock_state(ctx: Ctx, service: Tickets, ticket: Ticket, name: str) -> str:
    view = clock_view(ticket.clocks[name], service.cals, ctx.services.clock(), service.cals.zone)
    clock = ticket.clocks[name]
    if view["breached"] and clock.met_at is None:
        return ctx_t(ctx, "ticket.clock.breached")
    if clock.met_at is not None:
        return ctx_t(ctx, "ticket.clock.met", met=shown(ctx, clock.met_at))
    if clock.paused:
        return ctx_t(ctx, "ticket.clock.paused")
    return ctx_t(ctx, "ticket.clock.due", due=shown(ctx, clock.due_at))


def _entry(ctx: Ctx, ticket: Ticket, event: TicketEvent) -> str:
    if is_agent(ctx):
        who = event.actor + ("" if event.public else " " + ctx_t(ctx, "ticket.note_mark"))
    else:
        mine = event.actor == ticket.requester
        who = ctx_t(ctx, "ticket.who.requester" if mine else "ticket.who.support")
    return ctx_t(ctx, "ticket.view.entry", at=shown(ctx, event.at), who=who,
                 action=event.action, text=event.text[:300] or "-")


def _agent_details(ctx: Ctx, ticket: Ticket) -> list[str]:
    transcript = "\n".join(f"  {turn.who}: {turn.text[:120]}" for turn in ticket.transcript[-10:])
    draft = "-"
    if ticket.draft_id:
        problems = "; ".join(f"{p.field}: {p.message or p.code}" for p in ticket.draft_problems)
        draft = f"{ticket.draft_id} {problems}".strip()
    lines = [
        ctx_t(ctx, "ticket.agent_view.requester", requester=ticket.requester,
              channel=ticket.channel, assignee=ticket.assignee or "-", tier=ticket.tier),
        ctx_t(ctx, "ticket.agent_view.context", transcript=transcript or "  -",
              queries=" | ".join(ticket.faq_queries) or "-", draft=draft),
    ]
    if ticket.attachments:
        lines.append(ctx_t(ctx, "ticket.agent_view.files",
                           files=", ".join(a.name or a.path for a in ticket.attachments)))
    return lines


def _actions(ctx: Ctx, ticket: Ticket) -> list[Choice]:
    status = ticket.status
    if status == TicketStatus.CLOSED:
        return []
    if not is_agent(ctx):
        return [Choice(id=f"ticket:add:{ticket.id}", label=ctx_t(ctx, "ticket.choice.add_info"))]
    names = ["claim"] if ticket.assignee != ctx.actor.user else []
    if status == TicketStatus.SOLVED:
        names += ["reopen", "note"]
    else:
        names += ["reply", "note", "assign", "priority", "escalate", "solve"]
        names += ["pending"] if status != TicketStatus.PENDING else []
    return [Choice(id=f"ticket:{name}:{ticket.id}", label=ctx_t(ctx, f"ticket.choice.{name}"))
            for name in names]


def show_choice(ctx: Ctx, ticket_id: str) -> Choice:
    return Choice(id=f"ticket:show:{ticket_id}", label=ctx_t(ctx, "ticket.choice.show", id=ticket_id))


# -- the agents' desk ---------------------------------------------------------------------------
def queue(ctx: Ctx) -> None:
    tickets = ticket_service(ctx.services).queue(ctx.actor, SHOWN_ROWS)
    if not tickets:
        ctx.say(ctx_t(ctx, "ticket.queue_empty"))
        return
    rows = [ctx_t(ctx, "ticket.queue_row", id=t.id, priority=t.priority, status=t.status.value,
                  tier=t.tier, due=shown(ctx, t.due_at), assignee=t.assignee or "",
                  subject=staff_subject(t)) for t in tickets]
    ctx.say(ctx_t(ctx, "ticket.queue", count=len(tickets)) + "\n" + "\n".join(rows),
            [show_choice(ctx, t.id) for t in tickets[:10]])


def act(ctx: Ctx, action: str, ref: str, arg: str = "") -> None:
    """The actions that need no text: claim, assign, priority, pending, solve, reopen."""
    service = ticket_service(ctx.services)
    if action == "priority" and arg not in PRIORITIES:
        _pick(ctx, ref, "priority", list(PRIORITIES))
        return
    if action == "assign" and not arg:
        agents = [u for u, r in ctx.services.settings.roles.items() if r == "agent"]
        if agents:
            _pick(ctx, ref, "assign", agents)
        else:
            ctx.say(ctx_t(ctx, "ticket.no_agents"))
        return
    doing: dict[str, Callable[[], Ticket]] = {
        "claim": lambda: service.claim(ref, ctx.actor),
        "assign": lambda: service.assign(ref, ctx.actor, arg),
        "priority": lambda: service.set_priority(ref, ctx.actor, arg),
        "pending": lambda: service.pending(ref, ctx.actor, arg),
        "solve": lambda: service.solve(ref, ctx.actor, arg),
        "reopen": lambda: service.reopen(ref, ctx.actor, arg),
    }
    ticket = doing[action]()
    ctx.out.refs["ticket_id"] = ticket.id
    done = "assign" if action == "claim" else action
    ctx.say(ctx_t(ctx, f"ticket.done.{done}", id=ticket.id, assignee=ticket.assignee or "",
                  priority=ticket.priority, tier=ticket.tier), _actions(ctx, ticket))


def _pick(ctx: Ctx, ref: str, action: str, options: list[str]) -> None:
    ticket = ticket_service(ctx.services).find(ref, ctx.actor)
    if not is_agent(ctx):
        raise PermissionDenied(action=action)
    labels = {o: (ctx_t(ctx, f"ticket.priority.{o}") if action == "priority" else o)
              for o in options}
    ctx.say(ctx_t(ctx, f"ticket.ask.{action}", id=ticket.id),
            [Choice(id=f"ticket:{action}:{ticket.id}:{o}", label=labels[o]) for o in options])


def ask_follow_up(ctx: Ctx, step: str, ref: str) -> None:
    """Ask for the text of a reply, a note, a reason or added information (flow "ticket")."""
    if step != "add_info" and not is_agent(ctx):
        raise PermissionDenied(action=step)
    ticket = ticket_service(ctx.services).find(ref, ctx.actor)
    if ticket.status == TicketStatus.CLOSED:  # refused before anything is typed for nothing
        ctx.out.refs["ticket_id"] = ticket.id
        ctx.say(ctx_t(ctx, "ticket.closed_add_info", id=ticket.id),
                [Choice(id=f"ticket:new:{ticket.id}", label=ctx_t(ctx, "ticket.choice.new"))])
        return
    ctx.state.reset_flow()
    ctx.state.flow, ctx.state.step, ctx.state.sub = "ticket", step, {"id": ticket.id}
    ctx.out.refs["ticket_id"] = ticket.id
    reprompt_follow_up(ctx)


def reprompt_follow_up(ctx: Ctx) -> None:
    key = {"add_info": "ticket.ask.add_info", "reply": "ticket.ask.reply",
           "note": "ticket.ask.note", "reason": "ticket.ask.reason"}[str(ctx.state.step)]
    ctx.say(ctx_t(ctx, key, id=ctx.state.sub.get("id")),
            [Choice(id="nav:cancel", label=ctx.t("nav.cancel"))])


def follow_up(ctx: Ctx, step: str, ref: str, text: str) -> None:
    """Do what the follow-up step asked the text for."""
    service = ticket_service(ctx.services)
    if step == "add_info":
        current = service.find(ref, ctx.actor)
        if current.status == TicketStatus.CLOSED:
            from bot.handlers.flows.ticket import TicketFlow  # the filing flow imports this one

            TicketFlow().refile(ctx, current, text)
            return
        problems = unusable_files(ctx)
        if problems:
            ctx.say("❌ " + ctx_t(ctx, "ticket_file_unusable", files="; ".join(problems)))
        ticket = service.add_info(ref, ctx.actor, text, files_of(ctx))
        ctx.say(ctx_t(ctx, "ticket.info_added", id=ticket.id), [show_choice(ctx, ticket.id)])
    elif step == "reason":
        ticket = service.escalate(ref, ctx.actor, text)
        ctx.say(ctx_t(ctx, "ticket.done.escalate", id=ticket.id, tier=ticket.tier))
    else:
        ticket = (service.reply if step == "reply" else service.note)(ref, ctx.actor, text)
        ctx.say(ctx_t(ctx, f"ticket.done.{step}", id=ticket.id), _actions(ctx, ticket))
    ctx.out.refs["ticket_id"] = ticket.id


def ctx_t(ctx: Ctx, key: str, **params: object) -> str:
    return tt(key, ctx.lang, **params)


# -- typed commands (outside a flow) ------------------------------------------------------------
def _command(pattern: str, run: Callable[[Ctx, re.Match[str]], None]) -> Command:
    return Command(re.compile(pattern, re.IGNORECASE | re.DOTALL), run)


COMMANDS: list[Command] = [
    _command(rf"^(?:查询|查看|状态|工单|status|show|ticket)?\s*{ID}$", lambda c, m: show(c, m[1])),
    _command(rf"^(?:补充|追加|add)\s*{ID}\s+(.+)$",
             lambda c, m: follow_up(c, "add_info", m[1], m[2])),
    _command(rf"^(?:回复|reply)\s*{ID}\s+(.+)$", lambda c, m: follow_up(c, "reply", m[1], m[2])),
    _command(rf"^(?:备注|note)\s*{ID}\s+(.+)$", lambda c, m: follow_up(c, "note", m[1], m[2])),
    _command(rf"^(?:升级|escalate)\s*{ID}\s+(.+)$",
             lambda c, m: follow_up(c, "reason", m[1], m[2])),
    # the same words without their text: asked for, as the buttons do
    _command(rf"^(?:补充|追加|add)\s*{ID}$", lambda c, m: ask_follow_up(c, "add_info", m[1])),
    _command(rf"^(?:回复|reply)\s*{ID}$", lambda c, m: ask_follow_up(c, "reply", m[1])),
    _command(rf"^(?:备注|note)\s*{ID}$", lambda c, m: ask_follow_up(c, "note", m[1])),
    _command(rf"^(?:升级|escalate)\s*{ID}$", lambda c, m: ask_follow_up(c, "reason", m[1])),
    _command(rf"^(?:认领|claim)\s*{ID}$", lambda c, m: act(c, "claim", m[1])),
    _command(rf"^(?:分配|assign)\s*{ID}\s+(\S+)$", lambda c, m: act(c, "assign", m[1], m[2])),
    _command(rf"^(?:优先级|priority)\s*{ID}\s+(\S+)$",
             lambda c, m: act(c, "priority", m[1], _priority(m[2]))),
    _command(rf"^(?:挂起|待补充|pending)\s*{ID}\s*(.*)$",
             lambda c, m: act(c, "pending", m[1], m[2])),
    _command(rf"^(?:解决|已解决|solve)\s*{ID}\s*(.*)$", lambda c, m: act(c, "solve", m[1], m[2])),
    _command(rf"^(?:重开|重新打开|reopen)\s*{ID}\s*(.*)$",
             lambda c, m: act(c, "reopen", m[1], m[2])),
]

PRIORITY_WORDS = {"紧急": "urgent", "高": "high", "普通": "normal", "中": "normal", "低": "low"}


def _priority(word: str) -> str:
    return PRIORITY_WORDS.get(word, word.lower())
