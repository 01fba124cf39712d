"""Batch requests in chat: send the Excel template, take a filled one back (§1.4)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.handlers.context import Ctx
from bot.handlers.delivery import notify_finance
from bot.handlers.engine import Command
from core.batch import import_rows, write_template
from core.models import Status

MAX_BAD_ROWS_SHOWN = 20


def send_template(ctx: Ctx, _: re.Match[str]) -> None:
    folder: Path = ctx.services.files_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = write_template(folder / "sif-batch-template.xlsx")
    ctx.say(ctx.t("batch.template"), files=[str(path)])


def take_workbook(ctx: Ctx) -> bool:
    """A filled-in template: every row through the same rules; bad rows listed."""
    books = [f for f in ctx.inbound.files if f.path.lower().endswith(".xlsx")
             or f.name.lower().endswith(".xlsx")]
    if not books:
        return False
    today = ctx.services.clock().date()
    results = import_rows(Path(books[0].path), ctx.services.issuance, ctx.actor, today)
    accepted = [r for r in results if r.invoice_id]
    rejected = [r for r in results if not r.invoice_id]
    lines = [ctx.t("batch.summary", ok=len(accepted), bad=len(rejected))]
    for row in rejected[:MAX_BAD_ROWS_SHOWN]:
        errors = [i for i in row.issues if i.is_error]
        lines += [ctx.t("batch.bad_row", row=row.row, field=i.field, code=i.code,
                        message=i.message(ctx.lang)) for i in errors]
    ctx.report([i for r in rejected for i in r.issues if i.is_error][:MAX_BAD_ROWS_SHOWN])
    ctx.out.replies.clear()  # the summary below says it all, row by row
    ctx.say("\n".join(lines))
    for row in accepted:
        invoice = ctx.services.issuance.find(str(row.invoice_id), ctx.actor)
        if invoice.status == Status.PENDING_REVIEW:
            notify_finance(ctx, invoice)
    return True


COMMANDS = [
    Command(re.compile(r"^(批量开票|批量|excel ?模板|batch|batch template|excel template)$", re.I),
            send_template),
]
