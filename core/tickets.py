"""Support tickets: filed from chat, worked by agents, timed by SLA clocks (core.sla).

Every change runs in one store transaction with its history entry and its notices (the notifier
port writes to the same database), so nothing is half-done and no notice goes out twice.
A customer never acts as an agent and never sees another person's ticket (it is "not found").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import cast

from core import sla
from core.clock import Clock
from core.errors import NotFound, PermissionDenied
from core.models import Actor
from core.privacy import mask_text
from core.settings import Category, Priority, Settings
from core.ticket_models import (
    AGENT_ROLES,
    ALLOWED,
    CATEGORIES,
    FIRST_NUMBER,
    MAX_ATTACHMENTS,
    MIN_DESCRIPTION,
    PRIORITIES,
    SYSTEM,
    Attachment,
    ChatTurn,
    DraftProblem,
    Notice,
    Notifier,
    S,
    SweepResult,
    Ticket,
    TicketError,
    TicketEvent,
    TicketStatus,
    TicketStore,
    clean_text,
    new_event,
    optional_text,
    recorded,
    staff_subject,
    subject_of,
)

__all__ = ["Attachment", "ChatTurn", "DraftProblem", "Notice", "Ticket", "TicketError",
           "TicketEvent", "TicketStatus", "Tickets"]


class Tickets:
    """The ticket service; front ends (chat, shell) call this and nothing below it."""

    def __init__(self, store: TicketStore, settings: Settings, clock: Clock,
                 notify: Notifier | None = None) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.notify: Notifier = notify or (lambda notices: None)
        self._queued: list[Notice] | None = None
        self.cals = sla.Calendars(settings)

    # -- filing -----------------------------------------------------------------------------
    def create(self, actor: Actor, *, category: str, description: str,
               attachments: Iterable[Attachment] = (), transcript: Iterable[ChatTurn] = (),
               faq_queries: Iterable[str] = (), draft_id: str | None = None,
               draft_problems: Iterable[DraftProblem] = (), priority: str = "normal") -> Ticket:
        """File a ticket; it is stored (and its number taken) before anyone sees its id."""
        if category not in CATEGORIES:
            raise TicketError("ticket_category_invalid", allowed=", ".join(CATEGORIES))
        self._check_priority(priority)
        description = optional_text(description)  # never cut: nothing the user said is lost
        if len(description) < MIN_DESCRIPTION:
            raise TicketError("ticket_description_required", min=MIN_DESCRIPTION)
        files = list(attachments)
        if len(files) > MAX_ATTACHMENTS:
            raise TicketError("ticket_too_many_attachments", max=MAX_ATTACHMENTS)
        now = self.clock()
        policy = sla.policy_for(self.settings.sla, priority, category)
        targets = {"first_response": policy.first_response_minutes,
                   "resolution": policy.resolution_minutes}
        clocks = {name: sla.start_clock(minutes, policy.calendar_of(name), self.cals, now,
                                        self._share)
                  for name, minutes in targets.items()}
        with self._unit():
            number = FIRST_NUMBER + self.store.next_ticket_number()
            ticket = Ticket(
                id=f"T-{number}", number=number, requester=actor.user, channel=actor.platform,
                category=cast(Category, category), priority=cast(Priority, priority),
                subject=subject_of(description),
                description=description, attachments=files,
                transcript=list(transcript), faq_queries=list(faq_queries)[-10:],
                draft_id=draft_id, draft_problems=list(draft_problems), clocks=clocks,
                history=[new_event(actor, now, "create", changes={"status": "new"})],
                created_at=now, updated_at=now,
            )
            self.store.add_ticket(ticket)
            self._tell_staff(ticket, self._channel(), "ticket.notice.new", now,
                             due=self._shown(ticket.clocks["first_response"].due_at))
        return ticket

    def clock_starts_at(self, ticket: Ticket) -> datetime | None:
        """Outside support hours: when the first-response clock starts counting (else None).
        While support is open there is nothing to say, whatever calendar the clock keeps."""
        if self.cals["support_hours"].next_open(ticket.created_at) <= ticket.created_at:
            return None
        calendar = self.cals[ticket.clocks["first_response"].calendar]
        opens = calendar.next_open(ticket.created_at)
        return opens if opens > ticket.created_at else None

    # -- reading ----------------------------------------------------------------------------
    def find(self, ticket_id: str, actor: Actor) -> Ticket:
        ticket = self.store.get_ticket(ticket_id.strip().upper())
        if ticket is None or not self.may_see(actor, ticket):
            raise NotFound(what="ticket", id=ticket_id)
        return ticket

    @staticmethod
    def may_see(actor: Actor, ticket: Ticket) -> bool:
        return actor.role in AGENT_ROLES or ticket.requester == actor.user

    def mine(self, actor: Actor) -> list[Ticket]:
        return self.store.tickets(requester=actor.user)

    def queue(self, actor: Actor, limit: int = 50) -> list[Ticket]:
        """Live tickets, the soonest due first (paused ones last)."""
        self._require_agent(actor, "queue")
        return self.store.queue(limit)

    def history(self, ticket: Ticket, actor: Actor) -> list[TicketEvent]:
        return ticket.history if actor.role in AGENT_ROLES else ticket.public_history()

    # -- the requester ----------------------------------------------------------------------
    def add_info(self, ticket_id: str, actor: Actor, text: str,
                 attachments: Iterable[Attachment] = ()) -> Ticket:
        """The requester writes again: a pending ticket resumes, a solved one reopens."""
        files = list(attachments)
        text = clean_text(text, "info") if text.strip() or not files else text.strip()
        with self._unit():
            ticket = self._live(ticket_id, actor, "add_info")
            if ticket.requester != actor.user:
                raise PermissionDenied(action="add_info")
            if len(ticket.attachments) + len(files) > MAX_ATTACHMENTS:
                raise TicketError("ticket_too_many_attachments", max=MAX_ATTACHMENTS)
            now = self.clock()
            was = ticket.status
            ticket = self._resume(ticket, now) if was in (S.PENDING, S.SOLVED) else ticket
            ticket = recorded(ticket, actor, now, "add_info", text,
                                  attachments=[*ticket.attachments, *files])
            key = ("ticket.notice.requester_reopened" if was == S.SOLVED
                   else "ticket.notice.info_added")
            self._tell_staff(ticket, self._owner(ticket), key, now, text=text[:300])
            return self._save(ticket)

    # -- agents -----------------------------------------------------------------------------
    def reply(self, ticket_id: str, actor: Actor, text: str) -> Ticket:
        text = clean_text(text, "reply")
        return self._agent_act(ticket_id, actor, "reply", lambda t, now: self._replied(
            t, actor, now, text, S.OPEN if t.status == S.NEW else t.status))

    def note(self, ticket_id: str, actor: Actor, text: str) -> Ticket:
        text = clean_text(text, "note")
        return self._agent_act(ticket_id, actor, "note", lambda t, now: recorded(
            t, actor, now, "note", text, public=False))

    def claim(self, ticket_id: str, actor: Actor) -> Ticket:
        """Take a ticket nobody owns. Someone else's is refused (hand-overs are `assign`); one's
        own is left as it is, with no history row."""
        def change(ticket: Ticket, now: datetime) -> Ticket:
            if ticket.assignee == actor.user:
                return ticket
            if ticket.assignee:
                raise TicketError("ticket_claimed", id=ticket.id, owner=ticket.assignee)
            return recorded(ticket, actor, now, "assign", public=False, assignee=actor.user)
        return self._agent_act(ticket_id, actor, "claim", change)

    def assign(self, ticket_id: str, actor: Actor, to: str) -> Ticket:
        to = to.strip()
        if to != actor.user and self.settings.role_of(to) not in AGENT_ROLES:
            raise TicketError("ticket_assignee_not_agent", user=to)

        def change(ticket: Ticket, now: datetime) -> Ticket:
            if to != actor.user:
                self._tell_staff(ticket, [to], "ticket.notice.assigned", now)
            return recorded(ticket, actor, now, "assign", public=False, assignee=to)
        return self._agent_act(ticket_id, actor, "assign", change)

    def set_priority(self, ticket_id: str, actor: Actor, priority: str) -> Ticket:
        self._check_priority(priority)

        def change(ticket: Ticket, now: datetime) -> Ticket:
            policy = sla.policy_for(self.settings.sla, priority, ticket.category)
            targets = {"first_response": policy.first_response_minutes,
                       "resolution": policy.resolution_minutes}
            clocks = {name: sla.retarget_clock(clock, targets.get(name, clock.target_minutes),
                                               policy.calendar_of(name), self.cals, now,
                                               self._share)
                      for name, clock in ticket.clocks.items()}
            return recorded(ticket, actor, now, "priority", public=False, priority=priority,
                                clocks=clocks)
        return self._agent_act(ticket_id, actor, "priority", change)

    def escalate(self, ticket_id: str, actor: Actor, reason: str) -> Ticket:
        reason = clean_text(reason, "reason")

        def change(ticket: Ticket, now: datetime) -> Ticket:
            if ticket.tier >= self.settings.sla.max_tier:
                raise TicketError("ticket_top_tier", id=ticket.id, tier=ticket.tier)
            ticket = recorded(ticket, actor, now, "escalate", reason, public=False,
                                  tier=ticket.tier + 1)
            self._tell_staff(ticket, self._channel(), "ticket.notice.escalated", now,
                             agent=actor.user, reason=reason[:300])
            return ticket
        return self._agent_act(ticket_id, actor, "escalate", change)

    def pending(self, ticket_id: str, actor: Actor, text: str = "") -> Ticket:
        """Waiting on the requester: the clocks pause (a message with it is a reply too)."""
        optional_text(text)  # too long is refused before anything changes

        def change(ticket: Ticket, now: datetime) -> Ticket:
            if text.strip():
                ticket = self._replied(ticket, actor, now, clean_text(text, "reply"), ticket.status,
                                       notify=False)
            clocks = {n: sla.pause_clock(c, self.cals, now) for n, c in ticket.clocks.items()}
            ticket = recorded(ticket, actor, now, "pending", status=S.PENDING, clocks=clocks)
            self._tell_requester(ticket, "ticket.notice.pending", text=text.strip() or "-")
            return ticket
        return self._agent_act(ticket_id, actor, "pending", change)

    def solve(self, ticket_id: str, actor: Actor, text: str = "") -> Ticket:
        text = optional_text(text)

        def change(ticket: Ticket, now: datetime) -> Ticket:
            clocks = {n: sla.stop_clock(c, self.cals, now) for n, c in ticket.clocks.items()}
            ticket = recorded(ticket, actor, now, "solve", text,
                                  status=S.SOLVED, clocks=clocks, solved_at=now)
            self._tell_requester(ticket, "ticket.notice.solved", text=text,
                                 days=str(self.settings.sla.close_after_days))
            return ticket
        return self._agent_act(ticket_id, actor, "solve", change)

    def reopen(self, ticket_id: str, actor: Actor, reason: str = "") -> Ticket:
        """An agent reopens a solved ticket (the requester does it by adding information)."""
        reason = optional_text(reason)

        def change(ticket: Ticket, now: datetime) -> Ticket:
            ticket = recorded(self._resume(ticket, now), actor, now, "reopen", reason)
            self._tell_requester(ticket, "ticket.notice.reopened")
            return ticket
        return self._agent_act(ticket_id, actor, "reopen", change)

    # -- the SLA sweep ----------------------------------------------------------------------
    def sweep(self) -> SweepResult:
        """Send every warning and breach that is due, exactly once: the events are recorded in
        the same BEGIN IMMEDIATE transaction that sends them, so a second run or a second
        process finds nothing left to do. Also delivers notices that waited for support hours
        and closes solved tickets that stayed quiet."""
        result = SweepResult()
        with self._unit():
            now = self.clock()
            for ticket in self.store.due_for_sla(now):
                self._sweep_one(ticket, now, result)
            waited = self.store.take_due_notices(now)
            self._send(waited)
            result.delivered = len(waited)
            quiet = now - timedelta(days=self.settings.sla.close_after_days)
            for ticket_id in self.store.quiet_solved(quiet):
                self._close(ticket_id, now)
                result.closed.append(ticket_id)
        return result

    def _sweep_one(self, ticket: Ticket, now: datetime, result: SweepResult) -> None:
        clocks, breached = dict(ticket.clocks), []
        for name, clock in ticket.clocks.items():
            for kind in sla.crossings(clock, now):
                clocks[name] = sla.mark_sent(clock, kind)
                if not self.store.record_sla_event(ticket.id, name, kind, clock.epoch, now):
                    continue  # already sent (belt and braces: the transaction prevents it)
                result.events.append((ticket.id, name, kind))
                ticket = recorded(ticket, SYSTEM, now, f"sla_{kind}", public=False,
                                      clock=name)
                if kind == "breach":
                    breached.append(name)
                else:
                    self._tell_staff(ticket, self._owner(ticket), "ticket.notice.warning", now,
                                     clock=name, due=self._shown(clock.due_at))
        if breached and ticket.tier < self.settings.sla.max_tier:
            ticket = recorded(ticket, SYSTEM, now, "escalate", "SLA breach", public=False,
                                  tier=ticket.tier + 1)
        for name in breached:
            recipients = dict.fromkeys([*self._channel(), *self._owner(ticket)])
            self._tell_staff(ticket, list(recipients), "ticket.notice.breach", now, clock=name,
                             due=self._shown(ticket.clocks[name].due_at))
        if clocks != ticket.clocks:
            self._save(ticket.model_copy(update={"clocks": clocks}))

    def _close(self, ticket_id: str, now: datetime) -> None:
        ticket = self.store.get_ticket(ticket_id)
        if ticket is None or ticket.status != S.SOLVED:
            return
        ticket = recorded(ticket, SYSTEM, now, "close", status=S.CLOSED, closed_at=now)
        self._save(ticket)
        self._tell_requester(ticket, "ticket.notice.closed")

    # -- helpers ----------------------------------------------------------------------------
    @property
    def _share(self) -> float:
        return self.settings.sla.warn_at

    def _agent_act(self, ticket_id: str, actor: Actor, action: str,
                   change: Callable[[Ticket, datetime], Ticket]) -> Ticket:
        self._require_agent(actor, action)
        with self._unit():
            ticket = self._live(ticket_id, actor, action)
            changed = change(ticket, self.clock())
            return ticket if changed is ticket else self._save(changed)  # nothing to do: no write

    def _require_agent(self, actor: Actor, action: str) -> None:
        if actor.role not in AGENT_ROLES:
            raise PermissionDenied(action=action)

    def _live(self, ticket_id: str, actor: Actor, action: str) -> Ticket:
        """The ticket, seen by `actor`, in a status that allows `action`."""
        ticket = self.find(ticket_id, actor)
        if ticket.status == S.CLOSED:
            raise TicketError("ticket_closed", id=ticket.id)
        if ticket.status not in ALLOWED[action]:
            raise TicketError("ticket_invalid_transition", id=ticket.id,
                              status=ticket.status.value, action=action)
        return ticket

    def _check_priority(self, priority: str) -> None:
        if priority not in PRIORITIES:
            raise TicketError("ticket_priority_invalid", allowed=", ".join(PRIORITIES))

    def _replied(self, ticket: Ticket, actor: Actor, now: datetime, text: str,
                 status: TicketStatus, notify: bool = True) -> Ticket:
        first = ticket.clocks["first_response"]
        clocks = {**ticket.clocks, "first_response": sla.stop_clock(first, self.cals, now)}
        ticket = recorded(ticket, actor, now, "reply", text, status=status, clocks=clocks,
                              assignee=ticket.assignee or actor.user)  # who answers, owns it
        if notify:
            self._tell_requester(ticket, "ticket.notice.reply", agent=actor.user, text=text)
        return ticket

    def _resume(self, ticket: Ticket, now: datetime) -> Ticket:
        """Back to open: paused clocks (and a solved ticket's resolution clock) run again."""
        clocks = {
            name: sla.resume_clock(clock, self.cals, now, self._share)
            if clock.paused or (name == "resolution" and ticket.status == S.SOLVED) else clock
            for name, clock in ticket.clocks.items()
        }
        return ticket.model_copy(update={"status": S.OPEN, "clocks": clocks, "solved_at": None})

    def _save(self, ticket: Ticket) -> Ticket:
        saved = ticket.model_copy(update={"updated_at": self.clock()})
        self.store.save_ticket(saved)
        return saved

    def _channel(self) -> list[str]:
        """The support channel (settings.support.channel), else every agent in [roles]."""
        channel = self.settings.support.channel.strip()
        if channel:
            return [channel if ":" in channel else f"slack:{channel}"]
        return [user for user, role in self.settings.roles.items() if role == "agent"]

    def _owner(self, ticket: Ticket) -> list[str]:
        return [ticket.assignee] if ticket.assignee else self._channel()

    @contextmanager
    def _unit(self) -> Iterator[None]:
        """One store transaction; the notices it queued go out together just before it commits
        (one outbox write per person, not one per notice)."""
        with self.store.transaction():
            if self._queued is not None:  # joined an outer unit
                yield
                return
            self._queued = []
            try:
                yield
                queued, self._queued = self._queued, None
                if queued:
                    self.notify(queued)
            finally:
                self._queued = None

    def _send(self, notices: Iterable[Notice]) -> None:
        if self._queued is None:
            raise RuntimeError("notices are sent inside a unit of work")
        self._queued.extend(notices)

    def _tell_requester(self, ticket: Ticket, key: str, **params: str) -> None:
        self._send([Notice(to=ticket.requester, key=key, ticket_id=ticket.id,
                           audience="requester", params={"id": ticket.id, **params})])

    def _tell_staff(self, ticket: Ticket, recipients: Iterable[str], key: str, now: datetime,
                    **params: str) -> None:
        """Non-urgent notices to staff wait for support hours (kept in the store until then).
        What the requester typed reaches staff with personal numbers masked (core.privacy)."""
        opens = now if ticket.priority == "urgent" else self.cals["support_hours"].next_open(now)
        base = {"id": ticket.id, "subject": staff_subject(ticket), "category": ticket.category,
                "priority": ticket.priority, "tier": str(ticket.tier)}
        masked = {name: mask_text(value) for name, value in params.items()}
        for to in recipients:
            notice = Notice(to=to, key=key, ticket_id=ticket.id, audience="staff",
                            params={**base, **masked})
            if opens <= now:
                self._send([notice])
            else:
                self.store.defer_notice(notice, opens)

    def _shown(self, moment: datetime | None) -> str:
        return f"{moment.astimezone(self.cals.zone):%Y-%m-%d %H:%M}" if moment else "-"

