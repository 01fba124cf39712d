"""The invoice as text (preview, status) and as a PDF file."""

from __future__ import annotations

from bot.handlers.context import Ctx
from bot.handlers.services import Services
from core.catalog import format_item_name
from core.models import InvoiceData, InvoiceType
from core.money import rmb_upper


def preview_text(ctx: Ctx, data: InvoiceData) -> str:
    zh = ctx.lang == "zh"
    colon = "：" if zh else ": "
    kind = {InvoiceType.SPECIAL: ("增值税专用发票", "Special VAT invoice"),
            InvoiceType.ORDINARY: ("普通发票", "Ordinary invoice")}[data.invoice_type]
    buyer = data.buyer
    rows = [
        f"{'发票类型' if zh else 'Type'}{colon}{kind[0] if zh else kind[1]}",
        f"{'购买方' if zh else 'Buyer'}{colon}{buyer.name}",
    ]
    for label_zh, label_en, value in (
        ("纳税人识别号", "Tax ID", buyer.tax_id), ("地址电话", "Address/phone", buyer.address_phone),
        ("开户行及账号", "Bank/account", buyer.bank_account),
    ):
        if value:
            rows.append(f"{label_zh if zh else label_en}{colon}{value}")
    rows.append("—" * 12)
    for n, line in enumerate(data.lines, 1):
        name = format_item_name(line.category, line.name) if line.category else line.name
        name += f"（{line.spec}）" if line.spec and zh else f" ({line.spec})" if line.spec else ""
        unit = f" {line.unit}" if line.unit else ""
        qty = f" × {line.quantity.normalize():f}{unit}" if line.quantity is not None else ""
        tag = ("（折扣）" if zh else " (discount)") if line.discount else ""
        rate = ("免税" if zh else "tax-exempt") if line.tax_rate == "exempt" else line.tax_rate
        rows.append(f"{n}. {name}{tag}{qty}  {rate}  ¥{line.amount:.2f} + ¥{line.tax:.2f}")
    rows += [
        "—" * 12,
        f"{'合计金额' if zh else 'Amount'}{colon}¥{data.total_amount:.2f}   "
        f"{'合计税额' if zh else 'Tax'}{colon}¥{data.total_tax:.2f}",
        f"{'价税合计' if zh else 'Total'}{colon}¥{data.total:.2f}"
        + (f"（{rmb_upper(data.total)}）" if zh else f" ({rmb_upper(data.total)})"),
    ]
    if data.remark:
        rows.append(f"{'备注' if zh else 'Remark'}{colon}{data.remark}")
    delivery = data.delivery
    target = delivery.email or delivery.mail_address
    rows.append(f"{'交付' if zh else 'Delivery'}{colon}"
                f"{ctx.t('choice.delivery.' + delivery.method)}{' ' + target if target else ''}")
    return "\n".join(rows)


def render_pdf(services: Services, data: InvoiceData, name: str, *,
               preview: bool = False) -> str:
    """Write the PDF into the files folder and return its path (a file reply)."""
    from core.pdf import cached_invoice_pdf  # reportlab is loaded only when a PDF is wanted

    return str(cached_invoice_pdf(services.files_dir, name, data, services.settings.seller,
                                  preview=preview))
