"""The items step: lines typed in one message or part by part, their tax category, discounts,
edit and delete.

Sub-prompts (the next part of a line, its category, a discount amount) stay inside the step:
their state is `ctx.state.sub["items"]`, and leaving one goes back to the list of lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bot.handlers.context import Ctx, typed_word
from bot.handlers.flows.item_text import split_parts, summary
from bot.handlers.form import Accepted
from core import rules
from core.catalog import CATEGORIES, Category, category_named, classify
from core.errors import Issue
from core.lines import build_line, category_for, line_issues, part_issues
from core.models import BuyerKind, Draft, InvoiceType, Line
from core.money import read_decimal, split_line
from core.validation import discount_issues

PARTS = ("name", "quantity", "unit_price", "tax_rate")  # asked one by one after a lone name
LAYOUTS: dict[int, tuple[str, ...]] = {  # how many parts were typed -> what they are
    2: PARTS[:2], 3: PARTS[:3], 4: PARTS,
    5: ("name", "unit", "quantity", "unit_price", "tax_rate"),
    6: ("name", "spec", "unit", "quantity", "unit_price", "tax_rate"),
}
DONE_WORDS = {"done", "完成", "好了", "没有了", "下一步", "next", "finish", "ok"}
LIST_WORDS = {"list", "返回项目列表", "项目列表", "返回列表", "back to the lines", "back to lines"}
GROSS_WORDS = {"gross", "含税", "含税价", "价税合计", "including tax", "with tax", "tax included"}
NET_WORDS = {"net", "不含税", "不含税价", "excluding tax", "without tax", "before tax"}
MAX_LINES = 200


# -- asking ------------------------------------------------------------------------------
def ask_items(ctx: Ctx, draft: Draft) -> None:
    sub = ctx.state.sub.get("items", {})
    if draft.prices_include_tax is None:
        ctx.say(ctx.t("ask.price_mode"), [ctx.choice("items:gross", "choice.items.gross"),
                                           ctx.choice("items:net", "choice.items.net")])
        return
    extra = [ctx.choice("items:to_ordinary", "choice.items.to_ordinary")] if _offers_ordinary(
        sub, draft) else []
    back = [*extra, ctx.choice("items:list", "choice.items.list")]
    target = _discount_target(sub, draft)
    if target is not None:
        line = draft.lines[target - 1]
        amount = line.gross if draft.prices_include_tax else line.amount
        ctx.say(ctx.t("ask.discount_amount", line=target, name=line.name, amount=f"{amount:.2f}"),
                back)
        return
    partial = sub.get("partial")
    if partial:
        part = _next_part(partial)
        if part == "category":
            ctx.say(ctx.t("ask.line_category", name=partial["name"]),
                    [*_category_choices(ctx), *back])
        else:
            ctx.say(ctx.t(f"ask.line_{part}", name=partial.get("name", "")), back)
        return
    text = summary(ctx, draft) + "\n" if draft.lines else ""
    key = "ask.line_edit" if sub.get("editing") else (
        "ask.line_more" if draft.lines else "ask.line_first")
    choices = list(extra)
    if draft.lines and not sub.get("editing"):
        choices += [ctx.choice("items:done", "choice.items.done"),
                    ctx.choice("items:discount", "choice.items.discount"),
                    ctx.choice(f"items:delete:{len(draft.lines)}", "choice.items.delete_last")]
    elif sub.get("editing"):
        choices.append(ctx.choice("items:list", "choice.items.list"))
    ctx.say(text + ctx.t(key, line=sub.get("editing") or ""), choices)


def _category_choices(ctx: Ctx) -> list[Any]:
    return [ctx.choice(f"items:category:{c.name}", "choice.items.category", zh=c.name,
                       en=c.label_en) for c in CATEGORIES]


def _offers_ordinary(sub: dict[str, Any], draft: Draft) -> bool:
    """A tax-exempt line on a special invoice: one tap makes it an ordinary invoice."""
    return draft.invoice_type == InvoiceType.SPECIAL and (
        bool(sub.get("held")) or any(line.tax_rate == "exempt" for line in draft.lines))


def leave_sub_prompt(ctx: Ctx) -> bool:
    """Drop a half-entered line, a category question or a discount question (返回/取消 there);
    True when there was one, so the caller shows the list of lines instead of leaving the step."""
    sub = ctx.state.sub.get("items") or {}
    if not any(sub.get(key) for key in ("partial", "discount", "editing", "held")):
        return False
    ctx.state.sub["items"] = {}
    return True


# -- answering ---------------------------------------------------------------------------
def accept_items(ctx: Ctx, draft: Draft, raw: str) -> Accepted | None:
    sub = ctx.state.sub.setdefault("items", {})
    value = raw.strip()
    lowered = typed_word(value)  # "完成", "沒有了"
    held = sub.pop("held", None)  # a refused tax-exempt line: kept for one answer only
    if draft.prices_include_tax is None or lowered in GROSS_WORDS | NET_WORDS:
        return _accept_mode(ctx, draft, lowered)
    if lowered == "to_ordinary":
        return _to_ordinary(ctx, draft, held)
    if lowered in LIST_WORDS:
        leave_sub_prompt(ctx)
        return Accepted(draft, done=False)
    command = _command(lowered)
    if command is not None and sub.get("partial"):
        ctx.report([Issue(field="items", code="line_unfinished",
                          params={"name": sub["partial"].get("name", "")})])
        return None
    if command is not None:
        sub.pop("discount", None)  # 完成 / 修改 N / 删除 N under a discount question: done with it
        return command(ctx, draft, lowered)
    if _discount_target(sub, draft) is not None:
        return _accept_discount(ctx, draft, value)
    if sub.get("partial") and len(split_parts(value)) < 3:
        return _accept_part(ctx, draft, value)
    sub.pop("partial", None)  # a whole new line instead of the part asked for: take it
    return _accept_line_text(ctx, draft, value)


LineCommand = Callable[[Ctx, Draft, str], "Accepted | None"]


def _command(lowered: str) -> LineCommand | None:
    if lowered in DONE_WORDS:
        return _finish
    if re.fullmatch(r"(discount|折扣|加折扣|添加折扣|add discount)(\s*:?\s*\d{1,3})?", lowered):
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
    if _refused(ctx, draft, draft.lines):  # e.g. the type became special after the lines
        return None
    ctx.state.sub.pop("items", None)
    return Accepted(draft)


def _refused(ctx: Ctx, draft: Draft, lines: list[Line]) -> bool:
    """Report what the lines together break (a tax-exempt line on a special invoice, the
    invoice limit); True when something blocks the step."""
    issues = rules.check_lines_for_invoice(
        lines, special=draft.invoice_type == InvoiceType.SPECIAL,
        limit=ctx.services.settings.issuance.invoice_limit)
    ctx.report(issues)
    return any(issue.is_error for issue in issues)


def _to_ordinary(ctx: Ctx, draft: Draft, held: dict[str, Any] | None) -> Accepted | None:
    """"Make it an ordinary invoice" after a tax-exempt line was refused on a special one."""
    if draft.invoice_type != InvoiceType.SPECIAL:
        ctx.report([Issue(field="items", code="stale_choice")])
        return None
    lines = list(draft.lines)
    if held:
        line, editing = Line.model_validate(held["line"]), held.get("editing")
        if editing and editing <= len(lines):
            lines[editing - 1] = line
        else:
            lines.append(line)
    updated = draft.model_copy(update={
        "invoice_type": InvoiceType.ORDINARY, "lines": lines,
        "buyer_kind": draft.buyer_kind or BuyerKind.ORGANISATION})  # a special's buyer is one
    if _refused(ctx, updated, lines):
        return None
    ctx.state.sub["items"] = {}
    ctx.say(ctx.t("items.now_ordinary"))
    return Accepted(updated, done=False)


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


# -- discounts (§6.2: its own negative line right after the line it discounts) -------------
def _discount_target(sub: dict[str, Any], draft: Draft) -> int | None:
    """The number of the line a discount is being asked for (True: the last, as once stored)."""
    wanted = sub.get("discount")
    if not wanted:
        return None
    number = wanted if type(wanted) is int else len(draft.lines)
    return number if 1 <= number <= len(draft.lines) else None


def _start_discount(ctx: Ctx, draft: Draft, lowered: str) -> Accepted | None:
    if not draft.lines:
        ctx.report([Issue(field="items", code="discount_without_line", params={"line": "1"})])
        return None
    digits = re.sub(r"\D", "", lowered)
    number = _line_number(digits, draft, ctx) if digits else len(draft.lines)
    if number is None:
        return None
    lines = draft.lines
    if lines[number - 1].discount and not digits:  # the button, under a discount: its line
        number -= 1
    if lines[number - 1].discount:
        ctx.report([Issue(field="items", code="discount_of_discount",
                          params={"line": str(number)})])
        return None
    if number < len(lines) and lines[number].discount:
        ctx.report([Issue(field="items", code="discount_exists",
                          params={"line": str(number), "discount": str(number + 1)})])
        return None
    ctx.state.sub["items"]["discount"] = number
    return Accepted(draft, done=False)


def _accept_discount(ctx: Ctx, draft: Draft, value: str) -> Accepted | None:
    number = _discount_target(ctx.state.sub["items"], draft)
    assert number is not None
    amount, problem = read_decimal(value.lstrip("-－"))
    if amount is None and problem != "places" and len(split_parts(value)) > 1:
        ctx.state.sub["items"].pop("discount", None)  # a new line typed instead: take it
        return _accept_line_text(ctx, draft, value)
    params = {"value": value[:40], "line": str(number)}
    if amount is None or amount <= 0:
        code = ("discount_too_many_places" if problem == "places" else
                "discount_amount_expected" if amount is None else "discount_not_positive")
        ctx.report([Issue(field="items", code=code, params=params)])
        return None
    target = draft.lines[number - 1]
    net, tax = split_line(Decimal(1), -amount, target.tax_rate,
                          includes_tax=bool(draft.prices_include_tax))
    line = Line(name=target.name, category=target.category, tax_rate=target.tax_rate,
                amount=net, tax=tax, discount=True)
    issues = discount_issues(line, target, number)  # named by the line it discounts
    if issues:
        ctx.report(issues)
        return None
    ctx.state.sub["items"].pop("discount", None)
    lines = [*draft.lines[:number], line, *draft.lines[number:]]
    return Accepted(draft.model_copy(update={"lines": lines}), done=False)


# -- a line's parts ----------------------------------------------------------------------
def _accept_line_text(ctx: Ctx, draft: Draft, value: str) -> Accepted | None:
    parts = split_parts(value)
    layout = LAYOUTS.get(len(parts))
    if len(parts) == 1:
        _name, issues = rules.check_item_name(parts[0])
        ctx.report(issues)
        if any(i.is_error for i in issues):
            return None
        ctx.state.sub["items"]["partial"] = {"name": parts[0]}  # with a typed *category*
        return Accepted(draft, done=False)
    if layout is None:
        ctx.report([Issue(field="items", code="line_format")])
        return None
    return _complete_line(ctx, draft, dict(zip(layout, parts, strict=True)))


def _accept_part(ctx: Ctx, draft: Draft, value: str) -> Accepted | None:
    partial = dict(ctx.state.sub["items"]["partial"])
    part = _next_part(partial)
    if part is None:  # every part is in (a line interrupted just before it was completed)
        return _complete_line(ctx, draft, partial)
    if part == "category":
        category = category_named(value)
        if category is None:
            ctx.report([Issue(field="items", code="category_unknown",
                              params={"value": value[:40]})])
            return None
        partial["category"] = category.name
        return _complete_line(ctx, draft, partial)
    if part == "tax_rate" and value.lower() in ("default", "默认"):
        value = _default_rate(partial["name"]) or value
    problems = _for_items(part_issues(part, value))
    if problems:
        ctx.report(problems)
        return None
    partial[part] = value
    if _next_part(partial) in (None, "category"):
        return _complete_line(ctx, draft, partial)
    ctx.state.sub["items"]["partial"] = partial
    return Accepted(draft, done=False)


def _next_part(partial: dict[str, str]) -> str | None:
    missing = next((part for part in PARTS if part not in partial), None)
    if missing is None and category_for(partial["name"], partial.get("category")) is None:
        return "category"
    return missing


def _default_rate(name: str) -> str | None:
    category = classify(name)
    return category.default_rate if category else None


def _for_items(issues: list[Issue]) -> list[Issue]:
    """Part problems reported on the step (the item name keeps its own field)."""
    return [i if i.field == "item_name" else i.model_copy(update={"field": "items"})
            for i in issues]


def _complete_line(ctx: Ctx, draft: Draft, parts: dict[str, str]) -> Accepted | None:
    sub = ctx.state.sub["items"]
    editing = sub.get("editing")
    category = _category(parts, draft.lines[editing - 1] if editing else None)
    if "tax_rate" not in parts and category is not None:
        parts["tax_rate"] = category.default_rate
    issues = _for_items(line_issues(parts, category=category.name if category else None))
    if any(part not in parts for part in PARTS):
        issues.append(Issue(field="items", code="line_format"))
    ctx.report(issues)
    if any(i.is_error for i in issues):
        return None
    if category is None:  # ask for it: the invoice prints every line as *category*name
        sub["partial"] = parts
        return Accepted(draft, done=False)
    line = build_line(parts, includes_tax=bool(draft.prices_include_tax), category=category)
    return _store_line(ctx, draft, line, parts)


def _category(parts: dict[str, str], previous: Line | None) -> Category | None:
    """The chosen or guessed category; an edited line that keeps its name keeps its category."""
    found = category_for(parts["name"], parts.get("category"))
    kept = previous is not None and rules.check_item_name(parts["name"])[0] == previous.name
    if found is None and kept and previous is not None and previous.category:
        return category_named(previous.category)
    return found


def _store_line(ctx: Ctx, draft: Draft, line: Line, parts: dict[str, str]) -> Accepted | None:
    sub = ctx.state.sub["items"]
    editing = sub.get("editing")
    lines = list(draft.lines)
    if editing:
        lines[editing - 1] = line
        following = lines[editing] if editing < len(lines) else None
        if following is not None and following.discount:
            issues = discount_issues(following, line, editing)
            if issues:  # the discount under it would no longer fit the new line
                ctx.report(issues)
                return None
    elif len(lines) >= MAX_LINES:
        ctx.report([Issue(field="items", code="too_many_lines", params={"max": str(MAX_LINES)})])
        return None
    else:
        lines.append(line)
    if _refused(ctx, draft, lines):
        if line.tax_rate == "exempt" and draft.invoice_type == InvoiceType.SPECIAL:
            sub["held"] = {"line": line.model_dump(mode="json"), "editing": editing}
            if sub.get("partial"):
                sub["partial"] = {k: v for k, v in parts.items() if k != "tax_rate"}
        else:
            sub.pop("partial", None)  # over the limit: back to the list, nothing half-kept
        return None
    ctx.state.sub["items"] = {}
    return Accepted(draft.model_copy(update={"lines": lines}), done=False)
