"""The invoice form as data: one step spec per field, validated by the core's rules."""

from __future__ import annotations

from collections.abc import Mapping

from bot.handlers.context import Ctx, typed_word
from bot.handlers.events import Choice
from bot.handlers.flows.items import accept_items, ask_items
from bot.handlers.form import Accepted, Form, Step
from core import rules
from core.catalog import REMARK_PARTS
from core.errors import Issue
from core.models import BuyerKind, Delivery, Draft, InvoiceType
from core.taxid import check_buyer_tax_id, has_words, normalise_id
from core.validation import compose_remark, is_email, required_remark_parts

KEEP = "keep"  # the button id's prefix: keep:FIELD leaves the value as it is and goes on

TYPE_WORDS = {
    "special": ("special", "专票", "专用发票", "增值税专用发票", "专用", "vat special"),
    "ordinary": ("ordinary", "普票", "普通发票", "普通", "normal", "general"),
}
KIND_WORDS = {
    "organisation": ("organisation", "organization", "company", "单位", "企业", "公司", "组织"),
    "person": ("person", "individual", "个人", "自然人", "私人"),
}
DELIVERY_WORDS = {
    "download": ("download", "下载", "聊天", "chat", "pdf"),
    "email": ("email", "e-mail", "mail", "邮件", "邮箱", "电子邮件"),
    "paper": ("paper", "纸质", "邮寄", "纸质发票", "post"),
}


def pick(words: Mapping[str, tuple[str, ...]], raw: str) -> str | None:
    """The key whose word the person typed (a button id's value, or a word for it; "專票"
    and "個人" in traditional script too)."""
    value = typed_word(raw)
    for key, options in words.items():
        if value == key or value in options:
            return key
    return None


def _choices_for(ctx: Ctx, step: str, keys: list[str]) -> None:
    ctx.say(ctx.t(f"ask.{step}"),
            [ctx.choice(f"{step}:{key}", f"choice.{step}.{key}") for key in keys])


def _refuse(ctx: Ctx, field: str, code: str, **params: str) -> None:
    ctx.report([Issue(field=field, code=code, params=params)])


# -- invoice type and buyer kind ---------------------------------------------------------
def ask_type(ctx: Ctx, draft: Draft) -> None:
    _choices_for(ctx, "invoice_type", ["special", "ordinary"])


def accept_type(ctx: Ctx, draft: Draft, raw: str) -> Accepted | None:
    key = pick(TYPE_WORDS, raw)
    if key is None:
        _refuse(ctx, "invoice_type", "choose_one")
        return None
    update: dict[str, object] = {"invoice_type": InvoiceType(key)}
    if key == "special":
        update.update(_kind_change(draft, BuyerKind.ORGANISATION))  # §2.1: never a person's
    return Accepted(draft.model_copy(update=update))


def _kind_change(draft: Draft, kind: BuyerKind) -> dict[str, object]:
    """A new buyer kind: the name and tax ID were checked for the other kind, so ask again."""
    update: dict[str, object] = {"buyer_kind": kind}
    if draft.buyer_kind is not None and draft.buyer_kind != kind:
        update.update(buyer_name=None, buyer_tax_id=None)
    if kind == BuyerKind.PERSON:
        update["buyer_bank_account"] = None
    return update


def ask_kind(ctx: Ctx, draft: Draft) -> None:
    _choices_for(ctx, "buyer_kind", ["organisation", "person"])


def accept_kind(ctx: Ctx, draft: Draft, raw: str) -> Accepted | None:
    key = pick(KIND_WORDS, raw)
    if key is None:
        _refuse(ctx, "buyer_kind", "choose_one")
        return None
    return Accepted(draft.model_copy(update=_kind_change(draft, BuyerKind(key))))


# -- text fields -------------------------------------------------------------------------
def _ask_text(step: str) -> object:
    def ask(ctx: Ctx, draft: Draft) -> None:
        key = f"ask.{step}.{draft.buyer_kind.value}" if (
            step in ("buyer_name", "buyer_tax_id") and draft.buyer_kind) else f"ask.{step}"
        current = getattr(draft, step, None)
        text = ctx.t(key)
        if current:  # back here (返回, 修改 …): the value so far, kept with one tap
            text += "\n" + ctx.t("ask.current", value=current)
        ctx.say(text, [keep_choice(ctx, step)] if current else [])
    return ask


def keep_choice(ctx: Ctx, step: str) -> Choice:
    return ctx.choice(f"{KEEP}:{step}", "choice.keep")


def not_a_tax_id(text: str) -> bool:
    """Chinese words or a question mark: never a tax ID (only digits and capital letters)."""
    return "?" in text or "？" in text or has_words(normalise_id(text))


def _rules_kind(draft: Draft) -> rules.BuyerKind:
    """The buyer kind as the rules name it (an organisation until the person says otherwise)."""
    return "person" if draft.buyer_kind == BuyerKind.PERSON else "organisation"


def accept_name(ctx: Ctx, draft: Draft, raw: str) -> Accepted | None:
    value, issues = rules.check_buyer_name(raw, buyer_kind=_rules_kind(draft))
    return _accept_value(ctx, draft, "buyer_name", value, issues)


def accept_tax_id(ctx: Ctx, draft: Draft, raw: str) -> Accepted | None:
    confirmed = raw.startswith("!confirm:")
    raw = raw.removeprefix("!confirm:")
    result = check_buyer_tax_id(raw, buyer_kind=_rules_kind(draft), today=ctx.services.clock().date(),
                                accept_unverified_checksum=confirmed)
    accepted = _accept_value(ctx, draft, "buyer_tax_id", result.value or None, result.issues)
    if accepted is None:
        offers = []
        if result.fix:  # a code that passes the check: one tap changes it
            offers.append(ctx.choice(f"fix:buyer_tax_id:{result.fix}", "choice.use_fix",
                                     value=result.fix))
        checksum = any(i.code == "tax_id_checksum" for i in result.issues)
        if checksum:  # no fix: the person confirms it is exactly as printed
            offers.append(ctx.choice(f"fix:buyer_tax_id:!confirm:{result.value}",
                                     "choice.confirm_as_printed"))
        header = ("ask.fix_or_confirm" if result.fix and checksum else
                  "ask.fix_offer" if result.fix else "ask.confirm_offer")
        if offers:
            ctx.say(ctx.t(header), offers)
    return accepted


def accept_address_phone(ctx: Ctx, draft: Draft, raw: str) -> Accepted | None:
    required = draft.invoice_type == InvoiceType.SPECIAL
    value, issues = rules.check_address_phone(raw, required=required)
    return _accept_value(ctx, draft, "buyer_address_phone", value, issues)


def accept_bank(ctx: Ctx, draft: Draft, raw: str) -> Accepted | None:
    required = draft.invoice_type == InvoiceType.SPECIAL
    value, issues = rules.check_bank_account(raw, required=required)
    return _accept_value(ctx, draft, "buyer_bank_account", value, issues)


def _accept_value(ctx: Ctx, draft: Draft, field: str, value: object,
                  issues: list[Issue]) -> Accepted | None:
    ctx.report(issues)
    if any(issue.is_error for issue in issues):
        return None
    return Accepted(draft.model_copy(update={field: value}))


# -- remark ------------------------------------------------------------------------------
def _missing_parts(draft: Draft) -> list[tuple[str, str, str]]:
    return [p for p in required_remark_parts(draft.lines) if not draft.remark_parts.get(p[0])]


def ask_remark(ctx: Ctx, draft: Draft) -> None:
    missing = _missing_parts(draft)
    if missing:
        _key, zh, en = missing[0]
        ctx.say(ctx.t("ask.remark_part", part=zh if ctx.lang == "zh" else en))
        return
    if draft.remark:
        ctx.say(ctx.t("ask.remark") + "\n" + ctx.t("ask.current", value=draft.remark),
                [keep_choice(ctx, "remark"), ctx.choice("nav:skip", "nav.skip")])
        return
    ctx.say(ctx.t("ask.remark"), [ctx.choice("nav:skip", "nav.skip")])


def accept_remark(ctx: Ctx, draft: Draft, raw: str) -> Accepted | None:
    missing = _missing_parts(draft)
    value, issues = rules.check_remark(raw)
    parts = {**draft.remark_parts, missing[0][0]: value} if missing else draft.remark_parts
    free_text = (draft.remark or "") if missing else value
    if not any(issue.is_error for issue in issues):  # then the whole box, as it will print
        issues += rules.check_printed_remark(compose_remark(free_text, parts))
    ctx.report(issues)
    if any(issue.is_error for issue in issues):
        return None
    if missing:
        updated = draft.model_copy(update={"remark_parts": parts})
        return Accepted(updated, done=False)  # ask the next part, then the free remark
    return Accepted(draft.model_copy(update={"remark": value}))


def remark_optional(draft: Draft) -> bool:
    return not _missing_parts(draft)


# -- delivery ----------------------------------------------------------------------------
def ask_delivery(ctx: Ctx, draft: Draft) -> None:
    stage = ctx.state.sub.get("delivery")
    if stage in ("email", "paper"):
        ctx.say(ctx.t(f"ask.delivery_{stage}"))
        return
    _choices_for(ctx, "delivery", ["download", "email", "paper"])


def accept_delivery(ctx: Ctx, draft: Draft, raw: str) -> Accepted | None:
    stage = ctx.state.sub.get("delivery")
    if stage == "email":
        address = raw.strip()
        if not is_email(address):
            _refuse(ctx, "delivery", "delivery_email_invalid", email=address[:80])
            return None
        ctx.state.sub.pop("delivery", None)
        return Accepted(draft.model_copy(update={"delivery": Delivery(method="email",
                                                                       email=address)}))
    if stage == "paper":
        value, issues = rules.check_remark(raw, printed=False)  # mailed to, never printed
        if len(value) < 8 or any(i.is_error for i in issues):
            _refuse(ctx, "delivery", "delivery_address_required")
            return None
        ctx.state.sub.pop("delivery", None)
        return Accepted(draft.model_copy(update={"delivery": Delivery(method="paper",
                                                                       mail_address=value)}))
    key = pick(DELIVERY_WORDS, raw)
    if key is None:
        _refuse(ctx, "delivery", "choose_one")
        return None
    if key == "download":
        return Accepted(draft.model_copy(update={"delivery": Delivery(method="download")}))
    ctx.state.sub["delivery"] = key
    return Accepted(draft, done=False)


def _not_person(draft: Draft) -> bool:
    return draft.buyer_kind != BuyerKind.PERSON


def _not_special(draft: Draft) -> bool:
    return draft.invoice_type != InvoiceType.SPECIAL


def _tax_id_optional(draft: Draft) -> bool:
    return draft.buyer_kind == BuyerKind.PERSON


def _clear(field: str) -> object:
    return lambda draft: draft.model_copy(update={field: None})


INVOICE_FORM = Form([
    Step("invoice_type", ask_type, accept_type, choice_step=True),
    Step("buyer_kind", ask_kind, accept_kind, applies=_not_special, choice_step=True),
    Step("buyer_name", _ask_text("buyer_name"), accept_name),  # type: ignore[arg-type]
    Step("buyer_tax_id", _ask_text("buyer_tax_id"), accept_tax_id,  # type: ignore[arg-type]
         optional=_tax_id_optional, on_skip=_clear("buyer_tax_id"),  # type: ignore[arg-type]
         never_an_answer=not_a_tax_id),
    Step("buyer_address_phone", _ask_text("buyer_address_phone"),  # type: ignore[arg-type]
         accept_address_phone, optional=_not_special,
         on_skip=_clear("buyer_address_phone")),  # type: ignore[arg-type]
    Step("buyer_bank_account", _ask_text("buyer_bank_account"),  # type: ignore[arg-type]
         accept_bank, applies=_not_person, optional=_not_special,
         on_skip=_clear("buyer_bank_account")),  # type: ignore[arg-type]
    Step("items", ask_items, accept_items),
    Step("remark", ask_remark, accept_remark, optional=remark_optional,
         on_skip=_clear("remark")),  # type: ignore[arg-type]
    Step("delivery", ask_delivery, accept_delivery, choice_step=True),
])

REMARK_KINDS = tuple(REMARK_PARTS)
