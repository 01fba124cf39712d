"""The items step: lines typed in one message or part by part, discounts, edit and delete."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from bot.handlers.context import Ctx, typed_word
from bot.handlers.form import Accepted
from core import rules
from core.catalog import classify
from core.errors import Issue
from core.models import Draft, Line
from core.money import TAX_RATES, parse_rate, read_decimal, split_line
from core.validation import discount_issues

SEPARATORS = re.compile(r"\s*[，；;、|\t]\s*|,\s+|\s*,(?!\d{3}(?:\D|$))")
PARTS = ("name", "quantity", "unit_price", "tax_rate")
DONE_WORDS = {"done", "完成", "好了", "没有了", "下一步", "next", "finish", "ok"}
GROSS_WORDS = {"gross", "含税", "含税价", "价税合计", "including tax", "with tax", "tax included"}
NET_WORDS = {"net", "不含税", "不含税价", "excluding tax", "without tax", "before tax"}
MAX_LINES = 200


def ask_items(ctx: Ctx, draft: Draft) -> None:
    sub = ctx.state.sub.get("items", {})
    if draft.prices_include_tax is None:
        ctx.say(ctx.t("ask.price_mode"), [ctx.choice("items:gross", "choice.items.gross"),
                                           ctx.choice("items:net", "choice.items.net")])
        return
    if sub.get("discount"):
        ctx.say(ctx.t("ask.discount_amount", line=len(draft.lines)))
        return
    partial = sub.get("partial")
    if partial:
        ctx.say(ctx.t(f"ask.line_{_next_part(partial)}", name=partial.get("name", "")))
        return
    text = summary(ctx, draft) + "\n" if draft.lines else ""
    key = "ask.line_edit" if sub.get("editing") else (
        "ask.line_more" if draft.lines else "ask.line_first")
    choices = []
    if draft.lines and not sub.get("editing"):
        choices = [ctx.choice("items:done", "choice.items.done"),
                   ctx.choice("items:discount", "choice.items.discount"),
                   ctx.choice(f"items:delete:{len(draft.lines)}", "choice.items.delete_last")]
    ctx.say(text + ctx.t(key, line=sub.get("editing") or ""), choices)


def accept_items(ctx: Ctx, draft: Draft, raw: str) -> Accepted | None:
    sub = ctx.state.sub.setdefault("items", {})
    value = raw.strip()
    lowered = typed_word(value)  # "完成", "沒有了"
    if draft.prices_include_tax is None or lowered in GROSS_WORDS | NET_WORDS:
        return _accept_mode(ctx, draft, lowered)
    if sub.get("discount"):
        return _accept_discount(ctx, draft, value)
    command = _command(lowered)
    if command:
        return command(ctx, draft, lowered)
    if sub.get("partial"):
        return _accept_part(ctx, draft, value)
    return _accept_line_text(ctx, draft, value)


LineCommand = Callable[[Ctx, Draft, str], "Accepted | None"]


def _command(lowered: str) -> LineCommand | None:
    if lowered in DONE_WORDS:
        return _finish
    if lowered in ("discount", "折扣", "加折扣", "add discount"):
        return _start_discount
    if re.fullmatch(r"(delete|删除|删)\s*:?\s*\d{1,3}", lowered):
        return _delete
    if re.fullmatch(r"(edit|修改|改)\s*:?\s*\d{1,3}", lowered):
        return _edit
    return None


def _accept_mode(ctx: Ctx, draft: Draft, lowered: str) -> Accepted | None:
    if lowered in GROSS_WORDS:
        mode = True
    elif lowered in NET_WORDS:
        mode = False
    else:
        ctx.report([Issue(field="items", code="choose_one")])
        return None
    if draft.lines and draft.prices_include_tax is not None and mode != draft.prices_include_tax:
        ctx.report([Issue(field="items", code="price_mode_locked")])
        return None
    return Accepted(draft.model_copy(update={"prices_include_tax": mode}), done=False)


def _finish(ctx: Ctx, draft: Draft, _: str) -> Accepted | None:
    if not draft.lines:
        ctx.report([Issue(field="items", code="lines_required")])
        return None
    ctx.state.sub.pop("items", None)
    return Accepted(draft)


def _start_discount(ctx: Ctx, draft: Draft, _: str) -> Accepted | None:
    if not draft.lines or draft.lines[-1].discount:
        ctx.report([Issue(field="items", code="discount_without_line",
                          params={"line": str(len(draft.lines) + 1)})])
        return None
    ctx.state.sub["items"]["discount"] = True
    return Accepted(draft, done=False)


def _line_number(lowered: str, draft: Draft, ctx: Ctx) -> int | None:
    number = int(re.sub(r"\D", "", lowered))
    if not 1 <= number <= len(draft.lines):
        ctx.report([Issue(field="items", code="line_not_found",
                          params={"line": str(number), "count": str(len(draft.lines))})])
        return None
    return number


def _delete(ctx: Ctx, draft: Draft, lowered: str) -> Accepted | None:
    number = _line_number(lowered, draft, ctx)
    if number is None:
        return None
    lines = list(draft.lines)
    removed = lines.pop(number - 1)
    if not removed.discount and number - 1 < len(lines) and lines[number - 1].discount:
        lines.pop(number - 1)  # a discount goes with the line it discounts
    return Accepted(draft.model_copy(update={"lines": lines}), done=False)


def _edit(ctx: Ctx, draft: Draft, lowered: str) -> Accepted | None:
    number = _line_number(lowered, draft, ctx)
    if number is None:
        return None
    if draft.lines[number - 1].discount:
        ctx.report([Issue(field="items", code="edit_discount_line")])
        return None
    ctx.state.sub["items"] = {"editing": number}
    return Accepted(draft, done=False)


def _accept_discount(ctx: Ctx, draft: Draft, value: str) -> Accepted | None:
    amount, _problem = read_decimal(value.lstrip("-－"))
    if amount is None or amount <= 0:
        ctx.report([Issue(field="items", code="amount_invalid", params={"value": value[:40]})])
        return None
    target = draft.lines[-1]
    net, tax = split_line(Decimal(1), -amount, target.tax_rate,
                          includes_tax=bool(draft.prices_include_tax))
    line = Line(name=target.name, category=target.category, tax_rate=target.tax_rate,
                amount=net, tax=tax, discount=True)
    issues = discount_issues(line, target, len(draft.lines) + 1)
    if issues:
        ctx.report(issues)
        return None
    ctx.state.sub["items"] = {}
    return Accepted(draft.model_copy(update={"lines": [*draft.lines, line]}), done=False)


def _accept_line_text(ctx: Ctx, draft: Draft, value: str) -> Accepted | None:
    parts = split_parts(value)
    if not parts:
        ctx.report([Issue(field="items", code="line_format")])
        return None
    if len(parts) == 1:
        name, issues = rules.check_item_name(parts[0])
        ctx.report(issues)
        if any(i.is_error for i in issues):
            return None
        ctx.state.sub["items"]["partial"] = {"name": name}
        return Accepted(draft, done=False)
    if len(parts) > len(PARTS):
        ctx.report([Issue(field="items", code="line_format")])
        return None
    return _complete_line(ctx, draft, dict(zip(PARTS, parts, strict=False)))


def _accept_part(ctx: Ctx, draft: Draft, value: str) -> Accepted | None:
    partial = dict(ctx.state.sub["items"]["partial"])
    part = _next_part(partial)
    if part is None:  # every part is in (a line interrupted just before it was completed)
        return _complete_line(ctx, draft, partial)
    if part == "tax_rate" and value.lower() in ("default", "默认") :
        value = _default_rate(partial["name"]) or value
    problems = _part_issues(part, value)
    if problems:
        ctx.report(problems)
        return None
    partial[part] = value
    if _next_part(partial) is None:
        return _complete_line(ctx, draft, partial)
    ctx.state.sub["items"]["partial"] = partial
    return Accepted(draft, done=False)


def _next_part(partial: dict[str, str]) -> str | None:
    return next((part for part in PARTS if part not in partial), None)


def _default_rate(name: str) -> str | None:
    category = classify(name)
    return category.default_rate if category else None


def _part_issues(part: str, value: str) -> list[Issue]:
    if part == "name":
        return rules.check_item_name(value)[1]
    if part == "tax_rate":
        if parse_rate(value) is None:
            return [Issue(field="items", code="rate_invalid", params={
                "value": value[:20], "allowed": "13%, 9%, 6%, 5%, 3%, 1%, 0%, 免税"})]
        return []
    checker = rules.check_quantity if part == "quantity" else rules.check_unit_price
    return [issue.model_copy(update={"field": "items"}) for issue in checker(value)[1]]


def _complete_line(ctx: Ctx, draft: Draft, parts: dict[str, str]) -> Accepted | None:
    if "tax_rate" not in parts and (rate := _default_rate(parts["name"])):
        parts["tax_rate"] = rate
    issues = [i for part in PARTS if part in parts for i in _part_issues(part, parts[part])]
    missing = [part for part in PARTS if part not in parts]
    if missing:
        issues.append(Issue(field="items", code="line_format"))
    ctx.report(issues)
    if any(i.is_error for i in issues):
        return None
    line = build_line(parts, bool(draft.prices_include_tax))
    lines = list(draft.lines)
    editing = ctx.state.sub.get("items", {}).get("editing")
    if editing:
        lines[editing - 1] = line
    elif len(lines) >= MAX_LINES:
        ctx.report([Issue(field="items", code="too_many_lines", params={"max": str(MAX_LINES)})])
        return None
    else:
        lines.append(line)
    ctx.state.sub["items"] = {}
    return Accepted(draft.model_copy(update={"lines": lines}), done=False)


def build_line(parts: dict[str, str], includes_tax: bool) -> Line:
    """A line from validated parts, amounts separated from tax as the invoice prints them."""
    name, _ = rules.check_item_name(parts["name"])
    quantity = read_decimal(parts["quantity"], max_places=rules.NUMBER_MAX_PLACES)[0]
    price = read_decimal(parts["unit_price"], max_places=rules.NUMBER_MAX_PLACES)[0]
    rate = parse_rate(parts["tax_rate"])
    assert quantity is not None and price is not None and rate in TAX_RATES
    amount, tax = split_line(quantity, price, rate, includes_tax=includes_tax)
    category = classify(name)
    return Line(name=name, category=category.name if category else None, quantity=quantity,
                unit_price=price, tax_rate=rate, amount=amount, tax=tax)


def split_parts(text: str) -> list[str]:
    """"软件开发服务，1，10600，6%" or "Hosting 12 100 6%" -> its parts (name may have spaces)."""
    parts = [p for p in SEPARATORS.split(text.strip()) if p]
    if len(parts) == 1:
        tokens = text.split()
        tail = [t for t in tokens[1:] if read_decimal(t, max_places=8)[0] is not None
                or parse_rate(t)]
        if len(tokens) >= 3 and len(tail) >= 2 and tokens[-len(tail):] == tail:
            parts = [" ".join(tokens[: -len(tail)]), *tail]
    return parts


def summary(ctx: Ctx, draft: Draft) -> str:
    """The lines so far with a running total."""
    rows = []
    for number, line in enumerate(draft.lines, 1):
        label = ctx.t("line.discount") if line.discount else line.name
        rows.append(ctx.t("line.row", n=number, name=label, rate=_rate_label(ctx, line.tax_rate),
                          amount=f"{line.amount:.2f}", tax=f"{line.tax:.2f}"))
    total = sum((line.gross for line in draft.lines), Decimal("0.00"))
    rows.append(ctx.t("line.total", total=f"{total:.2f}"))
    return "\n".join(rows)


def _rate_label(ctx: Ctx, rate: str) -> str:
    return ctx.t("rate.exempt") if rate == "exempt" else rate
