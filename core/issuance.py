"""The issuance service: drafts, idempotent submit, review, issue, void and red-letter.

Every state change runs in one repository transaction together with its audit row, so nothing
is ever half-written.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from core.clock import CHINA, Clock
from core.errors import InvalidTransition, Issue, NotFound, PermissionDenied, ValidationFailed
from core.lifecycle import can_void, check_transition
from core.models import Actor, AuditEntry, Draft, Invoice, InvoiceData, Status
from core.settings import Settings
from core.storage.base import Repository
from core.validation import build_invoice_data, validate_invoice_data

NUMBER_SEQUENCE_DIGITS = 15
REASON_MAX = 500  # characters of a rejection reason


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5).upper()}"


class Issuance:
    """Application service over the repository; front ends and the conversation call this."""

    def __init__(self, repo: Repository, settings: Settings, clock: Clock) -> None:
        self.repo = repo
        self.settings = settings
        self.clock = clock

    # -- drafts --------------------------------------------------------------------------
    def new_draft(self, actor: Actor, *, owner: str | None = None, **fields: object) -> Draft:
        now = self.clock()
        draft = Draft(
            id=new_id("D"), owner=owner or actor.user, platform=actor.platform, created_at=now,
            updated_at=now, expires_at=now + timedelta(days=self.settings.issuance.draft_ttl_days),
            **fields,  # type: ignore[arg-type]
        )
        with self.repo.transaction():
            self.repo.save_draft(draft)
            self._audit("draft", draft.id, "create", actor, {})
        return draft

    def save_draft(self, draft: Draft) -> Draft:
        """Store the draft as it is now; every step of a conversation ends here."""
        now = self.clock()
        ttl = timedelta(days=self.settings.issuance.draft_ttl_days)
        saved = draft.model_copy(update={"updated_at": now, "expires_at": now + ttl})
        self.repo.save_draft(saved)
        return saved

    def get_draft(self, draft_id: str, actor: Actor) -> Draft:
        draft = self.repo.get_draft(draft_id)
        if draft is None or (draft.owner != actor.user and not actor.is_staff):
            raise NotFound(what="draft", id=draft_id)
        return draft

    def open_drafts(self, actor: Actor) -> list[Draft]:
        """The person's drafts that are neither submitted nor expired, newest last."""
        now = self.clock()
        return [
            d for d in self.repo.drafts_of(actor.user)
            if d.submitted_as is None and d.expires_at > now
        ]

    def expiring_drafts(self, actor: Actor) -> list[Draft]:
        """Open drafts that expire within the warning period (§6.3: 暂存期限)."""
        limit = self.clock() + timedelta(days=self.settings.issuance.draft_warning_days)
        return [d for d in self.open_drafts(actor) if d.expires_at <= limit]

    def is_expired(self, draft: Draft) -> bool:
        return draft.submitted_as is None and draft.expires_at <= self.clock()

    def expire_drafts(self, actor: Actor) -> list[Draft]:
        """Delete the person's drafts past their expiry (§6.3), each with an audit row, and
        return them, so that the person is told once and they are never offered again."""
        expired = [d for d in self.repo.drafts_of(actor.user) if self.is_expired(d)]
        with self.repo.transaction():
            for draft in expired:
                self.repo.delete_draft(draft.id)
                self._audit("draft", draft.id, "expire", actor,
                            {"expires_at": draft.expires_at.isoformat()})
        return expired

    def discard_draft(self, draft_id: str, actor: Actor) -> None:
        draft = self.get_draft(draft_id, actor)
        with self.repo.transaction():
            self.repo.delete_draft(draft.id)
            self._audit("draft", draft.id, "discard", actor, {})

    # -- submit --------------------------------------------------------------------------
    def submit(self, draft_id: str, request_key: str, actor: Actor) -> Invoice:
        """Submit a complete draft once: the same request key always returns the same request."""
        with self.repo.transaction():
            existing = self.repo.invoice_by_request_key(request_key)
            if existing is not None:
                if existing.requester != actor.user:
                    raise PermissionDenied(action="submit")
                return existing
            draft = self.get_draft(draft_id, actor)
            if draft.submitted_as:
                submitted = self.repo.get_invoice(draft.submitted_as)
                if submitted is not None:
                    return submitted
            if draft.expires_at <= self.clock():
                raise InvalidTransition("draft_expired", id=draft.id)
            data = build_invoice_data(draft)
            errors = [i for i in validate_invoice_data(data, self.settings) if i.is_error]
            if errors:
                raise ValidationFailed(errors)
            invoice = self._new_request(draft, data, request_key, actor)
            direct = not self._needs_review(actor)
            if direct:  # issued at once: one row written, not a pending row then an update
                now = self.clock()
                invoice = invoice.model_copy(update={
                    "status": Status.ISSUED, "number": self._allocate_number(now),
                    "issued_at": now, "reviewer": actor.user})
            self.repo.add_invoice(invoice)
            self._link_reissue(invoice, actor)
            self.repo.save_draft(draft.model_copy(update={"submitted_as": invoice.id}))
            self._audit("invoice", invoice.id, "submit", actor,
                        {"status": Status.PENDING_REVIEW.value})
            if direct:
                self._audit("invoice", invoice.id, "issue", actor, {
                    "status": [Status.PENDING_REVIEW.value, Status.ISSUED.value],
                    "number": invoice.number})
            return invoice

    def _link_reissue(self, invoice: Invoice, actor: Actor) -> None:
        """The replaced invoice points at its replacement; it can be replaced only once."""
        if invoice.reissue_of is None:
            return
        original = self._get(invoice.reissue_of)
        if original.replaced_by is not None:
            raise InvalidTransition(status="replaced", action="reissue", id=original.id)
        self.repo.update_invoice(original.model_copy(update={"replaced_by": invoice.id}))
        self._audit("invoice", original.id, "replaced", actor, {"replaced_by": invoice.id})

    def _needs_review(self, actor: Actor) -> bool:
        """Finance issues its own requests; an employee's per settings; anyone else's always."""
        if actor.role in ("finance", "admin"):
            return False
        if actor.role == "employee":
            return self.settings.issuance.employee_requires_review
        return True

    def _new_request(
        self, draft: Draft, data: InvoiceData, request_key: str, actor: Actor
    ) -> Invoice:
        now = self.clock()
        return Invoice(
            id=new_id("R"), request_key=request_key, draft_id=draft.id, requester=draft.owner,
            requester_platform=draft.platform, status=Status.PENDING_REVIEW, data=data,
            reissue_of=draft.remark_parts.get("_reissue_of"), created_at=now, updated_at=now,
        )

    # -- review --------------------------------------------------------------------------
    def approve(self, invoice_id: str, actor: Actor) -> Invoice:
        self._require_finance(actor, "approve")
        with self.repo.transaction():
            invoice = self._get(invoice_id)
            check_transition(invoice, "approve")
            return self._issue(invoice, actor, reviewer=actor.user)

    def reject(self, invoice_id: str, actor: Actor, reason: str) -> Invoice:
        self._require_finance(actor, "reject")
        reason = reason.strip()
        if not reason:
            raise ValidationFailed([_issue("reason", "reason_required")])
        if len(reason) > REASON_MAX:  # the requester reads it in chat: refused, never cut
            raise ValidationFailed([Issue(field="reason", code="input_too_long",
                                          params={"length": str(len(reason)),
                                                  "max": str(REASON_MAX)})])
        with self.repo.transaction():
            invoice = self._get(invoice_id)
            target = check_transition(invoice, "reject")
            updated = self._change(invoice, actor, "reject", status=target,
                                   reviewer=actor.user, reject_reason=reason)
            return updated

    def _issue(self, invoice: Invoice, actor: Actor, reviewer: str) -> Invoice:
        """Allocate the next 20-digit number and mark the invoice issued (inside a transaction)."""
        now = self.clock()
        number = self._allocate_number(now)
        return self._change(invoice, actor, "issue", status=Status.ISSUED, number=number,
                            issued_at=now, reviewer=reviewer)

    def _allocate_number(self, now: datetime) -> str:
        seller = self.settings.seller
        prefix = f"{now.astimezone(CHINA):%y}{seller.province_code}{seller.channel}"
        sequence = self.repo.next_sequence(f"{seller.tax_id}:{prefix}")
        return f"{prefix}{sequence:0{NUMBER_SEQUENCE_DIGITS}d}"

    # -- cancellation --------------------------------------------------------------------
    def void(self, invoice_id: str, actor: Actor, reason: str = "") -> Invoice:
        """作废: only inside the void window; after it the answer is a red-letter invoice."""
        self._require_finance(actor, "void")
        now = self.clock()
        with self.repo.transaction():
            invoice = self._get(invoice_id)
            target = check_transition(invoice, "void")
            assert invoice.issued_at is not None
            if not can_void(invoice.issued_at, now):
                raise InvalidTransition("void_window_closed", id=invoice.id)
            return self._change(invoice, actor, "void", status=target, voided_at=now,
                                void_reason=reason.strip()[:200])

    def red_letter(self, invoice_id: str, actor: Actor, red_form_no: str, reason: str) -> Invoice:
        """Issue a red-letter invoice equal to the original with negative amounts."""
        self._require_finance(actor, "red_letter")
        red_form_no, reason = red_form_no.strip(), reason.strip()
        problems = []
        if not red_form_no.isdigit() or not 8 <= len(red_form_no) <= 24:
            problems.append(_issue("red_form_no", "red_form_no_invalid"))
        if not reason:
            problems.append(_issue("reason", "reason_required"))
        if problems:
            raise ValidationFailed(problems)
        now = self.clock()
        with self.repo.transaction():
            original = self._get(invoice_id)
            target = check_transition(original, "red_letter")
            assert original.number is not None
            red = Invoice(
                id=new_id("R"), request_key=f"red:{original.id}", requester=original.requester,
                requester_platform=original.requester_platform, status=Status.ISSUED, kind="red",
                data=_negated(original.data, original.number, reason[:100]),
                original_id=original.id, red_form_no=red_form_no, created_at=now,
                updated_at=now, number=self._allocate_number(now), issued_at=now,
                reviewer=actor.user,
            )
            self.repo.add_invoice(red)
            self._audit("invoice", red.id, "issue_red", actor,
                        {"original": original.id, "number": red.number})
            self._change(original, actor, "red_letter", status=target)
            return red

    def request_cancel(self, invoice_id: str, actor: Actor, reason: str) -> bool:
        """The requester asks finance to void or red-letter an issued invoice: recorded in its
        history with the reason. False when the same person already asked and it is pending."""
        reason = reason.strip()
        if not reason:
            raise ValidationFailed([_issue("reason", "reason_required")])
        if len(reason) > REASON_MAX:
            raise ValidationFailed([Issue(field="reason", code="input_too_long",
                                          params={"length": str(len(reason)),
                                                  "max": str(REASON_MAX)})])
        with self.repo.transaction():
            invoice = self.find(invoice_id, actor)
            if invoice.status != Status.ISSUED or invoice.kind != "blue":
                raise InvalidTransition(status=invoice.status.value, action="cancel",
                                        id=invoice.id)
            if any(entry.action == "cancel_requested"
                   for entry in self.repo.audit_of("invoice", invoice.id)):
                return False
            self._audit("invoice", invoice.id, "cancel_requested", actor, {"reason": reason})
            return True

    def reissue_draft(self, invoice_id: str, actor: Actor) -> Draft:
        """A new draft prefilled from a cancelled invoice, linked to it (重开)."""
        invoice = self.find(invoice_id, actor)
        if invoice.status not in (Status.VOIDED, Status.RED_FLUSHED, Status.REJECTED):
            raise InvalidTransition(status=invoice.status.value, action="reissue", id=invoice.id)
        if invoice.replaced_by is not None:
            raise InvalidTransition(status="replaced", action="reissue", id=invoice.id)
        data = invoice.data
        return self.new_draft(
            actor, owner=invoice.requester, invoice_type=data.invoice_type, buyer_kind=data.buyer.kind,
            buyer_name=data.buyer.name, buyer_tax_id=data.buyer.tax_id,
            buyer_address_phone=data.buyer.address_phone,
            buyer_bank_account=data.buyer.bank_account, prices_include_tax=data.prices_include_tax,
            lines=data.lines, remark=data.remark_note,
            remark_parts={**data.remark_parts, "_reissue_of": invoice.id},
            delivery=data.delivery,
        )

    # -- queries -------------------------------------------------------------------------
    def find(self, ref: str, actor: Actor) -> Invoice:
        """An invoice by request id or 20-digit number that `actor` may see."""
        ref = ref.strip().upper()
        invoice = self.repo.get_invoice(ref) or self.repo.invoice_by_number(ref)
        if invoice is None or not self.may_see(actor, invoice):
            raise NotFound(what="invoice", id=ref)
        return invoice

    def may_see(self, actor: Actor, invoice: Invoice) -> bool:
        return actor.is_staff or invoice.requester == actor.user

    def visible(self, actor: Actor, status: Status | None = None) -> list[Invoice]:
        requester = None if actor.is_staff else actor.user
        return self.repo.list_invoices(requester=requester, status=status)

    def pending_queue(self, actor: Actor) -> list[Invoice]:
        self._require_finance(actor, "review")
        return self.repo.list_invoices(status=Status.PENDING_REVIEW)

    def history(self, invoice_id: str, actor: Actor) -> list[AuditEntry]:
        invoice = self.find(invoice_id, actor)
        return self.repo.audit_of("invoice", invoice.id)

    # -- helpers -------------------------------------------------------------------------
    def _get(self, invoice_id: str) -> Invoice:
        invoice = self.repo.get_invoice(invoice_id.strip().upper())
        invoice = invoice or self.repo.invoice_by_number(invoice_id.strip())
        if invoice is None:
            raise NotFound(what="invoice", id=invoice_id)
        return invoice

    def _require_finance(self, actor: Actor, action: str) -> None:
        if actor.role not in ("finance", "admin"):
            raise PermissionDenied(action=action)

    def _change(self, invoice: Invoice, actor: Actor, action: str, **update: object) -> Invoice:
        before = invoice.status.value
        updated = invoice.model_copy(update={**update, "updated_at": self.clock()})
        self.repo.update_invoice(updated)
        changes: dict[str, object] = {"status": [before, updated.status.value]}
        changes.update({k: str(v) for k, v in update.items() if k in ("number", "reject_reason")})
        self._audit("invoice", invoice.id, action, actor, changes)
        return updated

    def _audit(self, entity: str, entity_id: str, action: str, actor: Actor,
               changes: dict[str, object]) -> None:
        self.repo.add_audit(AuditEntry(
            entity=entity, entity_id=entity_id, action=action, actor=actor.user,
            platform=actor.platform, at=self.clock(), changes=changes,
        ))


def _issue(field: str, code: str) -> Issue:
    return Issue(field=field, code=code)


def _negated(data: InvoiceData, original_number: str, reason: str) -> InvoiceData:
    """The red-letter copy: same lines with negative quantity and amounts, the red-letter note
    before the original remark."""
    lines = [
        line.model_copy(update={
            "quantity": -line.quantity if line.quantity is not None else None,
            "amount": -line.amount, "tax": -line.tax,
        })
        for line in data.lines
    ]
    note = f"被红冲蓝字数电发票号码：{original_number} 红冲原因：{reason}"
    # The original's remark stays: what its lines require (a transport line's route and
    # vehicle) and the contract it names are as true of the red copy.
    remark = f"{note}\n{data.remark}" if data.remark else note
    return data.model_copy(update={"lines": lines, "remark": remark})

