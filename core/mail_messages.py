"""Messages of delivery (e-mail, a PDF copy, the printed remark), zh and en: merged into
core.messages."""

from __future__ import annotations

MAIL_MESSAGES: dict[str, dict[str, str]] = {
    "email_invalid": {
        "zh": "收票邮箱地址格式不正确，请检查后重新输入，例如 name@example.com。",
        "en": "That e-mail address is not valid; please check it and type it again, "
        "e.g. name@example.com.",
    },
    "mail_failed": {
        "zh": "发票邮件暂时没有发出去（{to}）。发票本身不受影响，"
        "您可以稍后再试，或直接在对话中下载 PDF。",
        "en": "The invoice e-mail could not be sent just now ({to}). "
        "The invoice itself is not affected; try again later or download the PDF here.",
    },
    "pdf_voided": {
        "zh": "发票 {number} 已作废，不再是有效发票。以下 PDF 盖有“作废”印记，仅供留档：",
        "en": "Invoice {number} has been voided and is no longer valid. "
        "The PDF below is stamped VOID, for your records only:",
    },
    "pdf_red_flushed": {
        "zh": "发票 {number} 已红冲，不再是有效发票。以下 PDF 盖有“已红冲”印记，仅供留档：",
        "en": "Invoice {number} has been red-flushed (cancelled by a red-letter invoice) and is "
        "no longer valid. The PDF below is stamped RED-FLUSHED, for your records only:",
    },
    "remark_printed_too_long": {
        "zh": "备注栏合计 {length} 字节（已填的起运地、车种车号等备注项与补充备注连同标签一起打印），"
        "最多 {max} 字节（一个汉字算2字节），请把这一项缩短 {over} 字节。",
        "en": "The remark box would hold {length} bytes in all (the remark parts already given, "
        "their labels and the free remark print together), at most {max} (a Chinese character "
        "counts 2); shorten this one by {over} bytes.",
    },
}
