"""The items step's text: a typed line split into its parts, and the lines shown back."""

from __future__ import annotations

import re
from decimal import Decimal

from bot.handlers.context import Ctx
from core.catalog import category_named
from core.models import Draft, Line
from core.money import parse_rate, read_decimal

SEPARATORS = re.compile(r"\s*[，；;、|\t]\s*|,\s+|\s*,(?!\d{3}(?:\D|$))")


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
        label = ctx.t("line.discount") if line.discount else line.name + _details(ctx, line)
        rows.append(ctx.t("line.row", n=number, name=label, rate=_rate_label(ctx, line.tax_rate),
                          amount=f"{line.amount:.2f}", tax=f"{line.tax:.2f}"))
    total = sum((line.gross for line in draft.lines), Decimal("0.00"))
    rows.append(ctx.t("line.total", total=f"{total:.2f}"))
    return "\n".join(rows)


def _details(ctx: Ctx, line: Line) -> str:
    """"（信息技术服务；规格 R740；单位 台）": what the line prints besides its name."""
    category = category_named(line.category or "")
    details = [(category.label_en if ctx.lang == "en" else category.name) if category
               else line.category or ""]
    if details[0] == line.name:  # "办公用品（办公用品）" says nothing
        details = []
    details += [ctx.t("line.spec", spec=line.spec)] if line.spec else []
    details += [ctx.t("line.unit", unit=line.unit)] if line.unit else []
    shown = [d for d in details if d]
    separator = "; " if ctx.lang == "en" else "；"
    return ctx.t("line.details", details=separator.join(shown)) if shown else ""


def _rate_label(ctx: Ctx, rate: str) -> str:
    return ctx.t("rate.exempt") if rate == "exempt" else rate
