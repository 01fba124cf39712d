"""`sifbot invoices list/show/approve/reject/void/red-letter`: what finance does, from the shell."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from bot.bootstrap import build_services, db_path, load
from bot.handlers.delivery import (
    issued_message,
    red_letter_message,
    rejected_message,
    tell_requester,
    voided_message,
)
from core.clock import CHINA, system_clock
from core.errors import PermissionDenied
from core.issuance import Issuance
from core.models import Actor, Invoice, Status
from core.settings import Settings
from core.storage import open_repository


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("invoices", help="invoice requests and invoices")
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    listing = actions.add_parser("list", parents=[common])
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--drafts", action="store_true", help="include drafts")
    listing.add_argument("--status", choices=[s.value for s in Status])
    listing.set_defaults(func=run_list)
    show = actions.add_parser("show", parents=[common])
    show.add_argument("id", help="request id (R-...) or 20-digit invoice number")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=run_show)
    for name, extra in (("approve", ()), ("reject", ("--reason",)), ("void", ("--reason",)),
                        ("red-letter", ("--form-no", "--reason"))):
        act = actions.add_parser(name, parents=[common])
        act.add_argument("id")
        act.add_argument("--as", dest="as_user", required=True, help="who acts (settings roles)")
        act.add_argument("--json", action="store_true")
        for option in extra:
            act.add_argument(option, required=name != "void" or option != "--reason", default="")
        act.set_defaults(func=run_action, action_name=name)


def _issuance(args: argparse.Namespace) -> tuple[Issuance, Settings]:
    settings = load(args.config)
    return Issuance(open_repository(db_path(args.db)), settings, system_clock), settings


def shell_actor(settings: Settings, user: str) -> Actor:
    """The shell user acts with the role the settings give them, nothing more."""
    role = settings.roles.get(user) or settings.roles.get(f"shell:{user}")
    if role not in ("finance", "admin"):
        raise PermissionDenied("permission_no_finance_role", user=user)
    return Actor(user=user, role=role, platform="shell")


def run_list(args: argparse.Namespace) -> int:
    issuance, _settings = _issuance(args)
    staff = Actor(user="shell", role="admin", platform="shell")
    status = Status(args.status) if args.status else None
    invoices = issuance.visible(staff, status)
    records: list[dict[str, Any]] = [invoice_json(i) for i in invoices]
    if args.drafts:
        records += [draft_json(d) for d in issuance.repo.all_drafts()]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    for record in records:
        print(f"{record['id']}\t{record.get('status', 'draft')}\t{record.get('number') or '-'}\t"
              f"{record.get('buyer_name', '')}\t{record.get('total', '')}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    issuance, _settings = _issuance(args)
    invoice = issuance.find(args.id, Actor(user="shell", role="admin", platform="shell"))
    record = invoice_json(invoice)
    record["history"] = [
        {"action": a.action, "actor": a.actor, "platform": a.platform,
         "at": _time(a.at), "changes": a.changes} for a in issuance.repo.audit_of("invoice", invoice.id)
    ]
    if args.json:
        print(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        print("\n".join(record_text(record)))
    return 0


def record_text(record: dict[str, Any]) -> list[str]:
    """`invoices show` for a person: the fields that are set, one a line, then the lines and
    the history; the same names as the JSON."""
    out = []
    for key, value in record.items():
        if key in ("lines", "history", "delivery") or value in (None, ""):
            continue
        out.append(f"{key}: {'yes' if value is True else 'no' if value is False else value}")
    delivery = record["delivery"]
    where = delivery.get("email") or delivery.get("mail_address") or ""
    out.append(f"delivery: {delivery['method']}{'  ' + where if where else ''}")
    out.append("lines:")
    for line in record["lines"]:
        name = f"*{line['category']}*{line['name']}" if line["category"] else line["name"]
        if line["discount"]:
            name += "  (discount)"
        elif line["quantity"] is not None:
            name += f"  {line['quantity']} x {line['unit_price']}"
        out.append(f"  - {name}  {line['tax_rate']}  {line['amount']} + {line['tax']}")
    out.append("history:")
    out.extend(f"  {h['at']}  {h['action']}  {h['actor']}" for h in record["history"])
    return out


def run_action(args: argparse.Namespace) -> int:
    services = build_services(load(args.config), db_path(args.db), None)
    issuance, settings = services.issuance, services.settings
    actor = shell_actor(settings, args.as_user)
    name = args.action_name
    # The same notices as in chat: the requester hears on their own platform.
    if name == "approve":
        invoice = concerned = issuance.approve(args.id, actor)
        notice = issued_message(services, invoice, services.lang_of(invoice.requester))
    elif name == "reject":
        invoice = concerned = issuance.reject(args.id, actor, args.reason)
        notice = rejected_message(services, invoice)
    elif name == "void":
        invoice = concerned = issuance.void(args.id, actor, args.reason)
        notice = voided_message(services, invoice)
    else:  # the requester of a red-letter invoice is the original's
        invoice = issuance.red_letter(args.id, actor, args.form_no, args.reason)
        concerned = issuance.find(str(invoice.original_id), actor)
        notice = red_letter_message(services, concerned, invoice, args.reason)
    tell_requester(services, actor.user, concerned, notice)
    if args.json:
        print(json.dumps(invoice_json(invoice), ensure_ascii=False, indent=2))
    else:
        print(f"{invoice.id} {invoice.status.value} {invoice.number or ''}".strip())
    return 0


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _time(value: datetime | None) -> str | None:
    return value.astimezone(CHINA).isoformat() if value else None


def invoice_json(invoice: Invoice) -> dict[str, Any]:
    """interfaces.md: snake_case, amounts as strings with two decimals, times with offset."""
    data = invoice.data
    return {
        "id": invoice.id, "number": invoice.number, "status": invoice.status.value,
        "kind": invoice.kind, "invoice_type": data.invoice_type.value,
        "requester": invoice.requester, "buyer_kind": data.buyer.kind.value,
        "buyer_name": data.buyer.name, "buyer_tax_id": data.buyer.tax_id,
        "buyer_address_phone": data.buyer.address_phone,
        "buyer_bank_account": data.buyer.bank_account,
        "prices_include_tax": data.prices_include_tax,
        "lines": [{
            "name": line.name, "category": line.category, "spec": line.spec, "unit": line.unit,
            "quantity": None if line.quantity is None else f"{line.quantity.normalize():f}",
            "unit_price": _money(line.unit_price), "tax_rate": line.tax_rate,
            "amount": _money(line.amount), "tax": _money(line.tax), "discount": line.discount,
        } for line in data.lines],
        "total_amount": _money(data.total_amount), "total_tax": _money(data.total_tax),
        "total": _money(data.total), "remark": data.remark,
        "delivery": data.delivery.model_dump(), "reviewer": invoice.reviewer,
        "reject_reason": invoice.reject_reason, "original_id": invoice.original_id,
        "red_form_no": invoice.red_form_no, "reissue_of": invoice.reissue_of,
        "void_reason": invoice.void_reason, "issued_at": _time(invoice.issued_at),
        "voided_at": _time(invoice.voided_at), "created_at": _time(invoice.created_at),
        "updated_at": _time(invoice.updated_at),
    }


def draft_json(draft: Any) -> dict[str, Any]:
    return {"id": draft.id, "status": "draft", "number": None, "requester": draft.owner,
            "buyer_name": draft.buyer_name or "", "created_at": _time(draft.created_at),
            "updated_at": _time(draft.updated_at), "expires_at": _time(draft.expires_at)}
