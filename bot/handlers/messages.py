"""What the conversation says, in zh-CN and English, keyed. No text lives in handler code."""

from __future__ import annotations

from core.i18n import render
from core.messages import MESSAGES as CORE_MESSAGES

BOT_MESSAGES: dict[str, dict[str, str]] = {
    # asking for fields
    "ask.invoice_type": {"zh": "请选择发票类型：", "en": "Which type of invoice?"},
    "choice.invoice_type.special": {"zh": "增值税专用发票（专票）", "en": "Special VAT invoice"},
    "choice.invoice_type.ordinary": {"zh": "普通发票（普票）", "en": "Ordinary invoice"},
    "ask.buyer_kind": {"zh": "购买方是单位还是个人？", "en": "Is the buyer an organisation or a person?"},
    "choice.buyer_kind.organisation": {"zh": "单位", "en": "Organisation"},
    "choice.buyer_kind.person": {"zh": "个人", "en": "Person"},
    "ask.buyer_name.organisation": {
        "zh": "请输入购买方名称（营业执照上的全称，例如“华为技术有限公司”）：",
        "en": "The buyer's full registered name, as on the business licence:",
    },
    "ask.buyer_name.person": {"zh": "请输入购买方姓名（身份证上的姓名）：", "en": "The buyer's name as on their ID card:"},
    "ask.buyer_name": {"zh": "请输入购买方名称：", "en": "The buyer's name:"},
    "ask.buyer_tax_id.organisation": {
        "zh": "请输入购买方纳税人识别号（18 位统一社会信用代码）：",
        "en": "The buyer's tax ID (18-character unified social credit code):",
    },
    "ask.buyer_tax_id.person": {
        "zh": "请输入个人身份证号码（可选，输入“跳过”不填）：",
        "en": "The buyer's resident ID number (optional; type 'skip' to leave it out):",
    },
    "ask.buyer_tax_id": {"zh": "请输入购买方纳税人识别号：", "en": "The buyer's tax ID:"},
    "ask.buyer_address_phone": {
        "zh": "请输入购买方地址和电话（例如“深圳市龙岗区坂田街道 0755-12345678”）：",
        "en": "The buyer's address and phone, e.g. '1 Main Road, Shenzhen 0755-12345678':",
    },
    "ask.buyer_bank_account": {
        "zh": "请输入开户行及账号（精确到支行，例如“招商银行深圳分行营业部 755900000000001”）：",
        "en": "Bank (to branch level) and account number, e.g. 'China Merchants Bank Shenzhen Branch 755900000000001':",
    },
    "ask.current": {"zh": "（当前：{value}）", "en": "(now: {value})"},
    "ask.fix_offer": {"zh": "可以一键改正：", "en": "One tap to fix it:"},
    "ask.confirm_offer": {
        "zh": "已对照营业执照、确认一字不差时，请点确认：",
        "en": "Checked it against the business licence and it matches exactly? Confirm it:",
    },
    "ask.fix_or_confirm": {
        "zh": "可以一键改正；如果税号与营业执照上印的完全一致，也可以确认后继续：",
        "en": "Fix it with one tap; or, if it is exactly as printed on the business licence, confirm it to go on:",
    },
    "choice.keep": {"zh": "保留当前值", "en": "Keep"},
    "choice.use_fix": {"zh": "改为 {value}", "en": "Use {value}"},
    "choice.confirm_as_printed": {"zh": "已核对，与执照一致", "en": "Checked: exactly as on the licence"},
    "ask.price_mode": {"zh": "您填写的单价是含税价还是不含税价？", "en": "Are your prices with or without tax?"},
    "choice.items.gross": {"zh": "含税价", "en": "Prices include tax"},
    "choice.items.net": {"zh": "不含税价", "en": "Prices exclude tax"},
    "ask.line_first": {
        "zh": "请输入第一行项目：名称，数量，单价，税率\n例如：软件开发服务，1，10600，6%\n"
              "要写单位：名称，单位，数量，单价，税率（例如：A4打印纸，箱，10，200，13%）\n"
              "要写规格型号和单位：名称，规格型号，单位，数量，单价，税率（例如：服务器，R740，台，2，35000，13%）\n"
              "也可以只输入名称，我再逐项询问。",
        "en": "Type the first line: name, quantity, unit price, tax rate\ne.g. Software development, 1, 10600, 6%\n"
              "With a unit: name, unit, quantity, price, rate (e.g. A4 paper, box, 10, 200, 13%)\n"
              "With a model and a unit: name, model, unit, quantity, price, rate (e.g. Server, R740, set, 2, 35000, 13%)\n"
              "Or just the name and I will ask for the rest.",
    },
    "ask.line_more": {
        "zh": "继续输入下一行（名称，数量，单价，税率；名称后可加单位，或加规格型号和单位），或选择“完成”。"
              "输入“删除 N”/“修改 N”可删除或修改第 N 行，“折扣 N”给第 N 行加折扣。",
        "en": "Type another line (name, quantity, price, rate; a unit, or a model and a unit, may follow the name) or choose Done. "
              "'delete N' / 'edit N' removes or changes line N; 'discount N' adds a discount to line N.",
    },
    "ask.line_edit": {
        "zh": "请输入第 {line} 行的新内容：名称，数量，单价，税率（名称后可加单位，或加规格型号和单位）",
        "en": "Type the new line {line}: name, quantity, price, rate (a unit, or a model and a unit, may follow the name)",
    },
    "ask.line_quantity": {"zh": "“{name}”的数量是多少？", "en": "Quantity of '{name}'?"},
    "ask.line_unit_price": {"zh": "“{name}”的单价是多少？", "en": "Unit price of '{name}'?"},
    "ask.line_tax_rate": {
        "zh": "“{name}”的税率？（13%、9%、6%、5%、3%、1%、0% 或 免税）",
        "en": "Tax rate of '{name}'? (13%, 9%, 6%, 5%, 3%, 1%, 0% or tax-exempt)",
    },
    "ask.line_category": {
        "zh": "无法根据名称判断“{name}”的税收分类（发票上印作“*分类*名称”）。请选择一个分类，或输入分类名称：",
        "en": "I cannot tell the tax category of '{name}' from its name (the invoice prints it as *category*name). "
              "Pick one, or type its name:",
    },
    "choice.items.category": {"zh": "{zh}", "en": "{en}"},
    "choice.items.list": {"zh": "返回项目列表", "en": "Back to the lines"},
    "choice.items.to_ordinary": {"zh": "改开普通发票", "en": "Make it an ordinary invoice"},
    "items.now_ordinary": {"zh": "已改为普通发票。", "en": "It is now an ordinary invoice."},
    "ask.line_name": {"zh": "项目名称是什么？", "en": "What is the item's name?"},
    "ask.discount_amount": {
        "zh": "第 {line} 行（{name}，¥{amount}）的折扣金额是多少？不加折扣请点“返回项目列表”。",
        "en": "How much is the discount on line {line} ({name}, ¥{amount})? To add none, press 'Back to the lines'.",
    },
    "choice.items.done": {"zh": "完成", "en": "Done"},
    "choice.items.discount": {"zh": "添加折扣", "en": "Add a discount"},
    "choice.items.delete_last": {"zh": "删除最后一行", "en": "Delete the last line"},
    "line.row": {"zh": "{n}. {name}  税率 {rate}  金额 {amount}  税额 {tax}", "en": "{n}. {name}  rate {rate}  amount {amount}  tax {tax}"},
    "line.details": {"zh": "（{details}）", "en": " ({details})"},
    "line.spec": {"zh": "规格 {spec}", "en": "model {spec}"},
    "line.unit": {"zh": "单位 {unit}", "en": "unit {unit}"},
    "line.discount": {"zh": "（折扣）", "en": "(discount)"},
    "line.total": {"zh": "当前价税合计：¥{total}", "en": "Running total with tax: ¥{total}"},
    "rate.exempt": {"zh": "免税", "en": "tax-exempt"},
    "ask.remark": {"zh": "备注（可选，例如合同编号、项目名称）；不需要请选择“跳过”：", "en": "Remark (optional, e.g. contract number); choose Skip if none:"},
    "ask.remark_part": {"zh": "该业务的备注栏必须注明：{part}。请输入：", "en": "For this business the remark must state the {part}. Please type it:"},
    "ask.delivery": {"zh": "发票如何交付？", "en": "How should the invoice reach you?"},
    "choice.delivery.download": {"zh": "在聊天中下载 PDF", "en": "Download the PDF here"},
    "choice.delivery.email": {"zh": "发送到邮箱", "en": "Send by e-mail"},
    "choice.delivery.paper": {"zh": "纸质发票邮寄", "en": "Paper invoice by post"},
    "ask.delivery_email": {"zh": "请输入收票邮箱：", "en": "Which e-mail address?"},
    "ask.delivery_paper": {
        "zh": "请输入收件人、地址和电话（EMS 或顺丰，3–5 个工作日送达，运费由申请方承担）：",
        "en": "Recipient, address and phone (EMS or SF Express, 3-5 working days, postage paid by you):",
    },
    # navigation
    "nav.back": {"zh": "返回", "en": "Back"},
    "nav.skip": {"zh": "跳过", "en": "Skip"},
    "nav.save": {"zh": "暂存", "en": "Save"},
    "nav.cancel": {"zh": "取消", "en": "Cancel"},
    "nav.help": {"zh": "帮助", "en": "Help"},
    "nav.saved": {
        "zh": "草稿 {draft} 已暂存（保留 {days} 天）。下次输入“开发票”即可继续。",
        "en": "Draft {draft} is saved (kept {days} days). Say 'invoice' next time to go on.",
    },
    "nav.cancelled": {"zh": "已取消，草稿已删除。还有什么可以帮您？", "en": "Cancelled; the draft is deleted. Anything else?"},
    "nav.no_back": {"zh": "已经是第一步了。", "en": "This is the first step already."},
    "nav.not_optional": {"zh": "这一项是必填的，不能跳过。", "en": "This one is required and cannot be skipped."},
    "nav.field_separator": {"zh": "、", "en": ", "},
    "nav.help_text": {
        "zh": "正在填写：{step}。\n随时可输入：返回、跳过（仅可选项）、修改 字段名、暂存、取消、帮助。\n遇到问题也可以直接提问，我回答后会回到当前步骤。",
        "en": "Now filling in: {step}.\nAt any step: back, skip (optional fields only), edit FIELD, save, cancel, help.\nYou can also ask a question; I will answer and come back to this step.",
    },
    # resume and preview
    "resume.offer": {
        "zh": "您有一张未完成的发票草稿（{draft}，停在“{step}”）。继续填写还是重新开始？",
        "en": "You have an unfinished invoice draft ({draft}, at '{step}'). Go on or start again?",
    },
    "choice.resume.continue": {"zh": "继续填写", "en": "Go on"},
    "choice.resume.new": {"zh": "重新开始", "en": "Start again"},
    "resume.expiring": {"zh": "提醒：草稿 {draft} 将于 {date} 过期，请尽快提交。", "en": "Note: draft {draft} expires on {date}; please submit it soon."},
    "resume.expired": {
        "zh": "您未完成的发票草稿 {draft} 已于 {date} 过期（草稿保留 {days} 天），已删除。",
        "en": "Your unfinished invoice draft {draft} expired on {date} (drafts are kept {days} days) and was deleted.",
    },
    "resume.fresh": {"zh": "我们重新开始填写：", "en": "Let's start again:"},
    "preview.title": {"zh": "请核对发票信息：", "en": "Please check the invoice:"},
    "preview.fix_first": {"zh": "提交前还需要修改：", "en": "Before submitting, please fix:"},
    "preview.fix_pick": {"zh": "请选择要修改的内容：", "en": "What would you like to change?"},
    "preview.confirm_question": {"zh": "信息无误，是否提交？", "en": "Is everything right? Submit it?"},
    "choice.confirm.submit": {"zh": "确认提交", "en": "Submit"},
    "choice.edit": {"zh": "修改{field}", "en": "Edit {field}"},
    "submit.pending": {
        "zh": "已提交，申请号 {id}，状态：待审核。审核结果会通知您。",
        "en": "Submitted as {id}; waiting for review. You will be told the result.",
    },
    "submit.issued": {"zh": "发票已开具：号码 {number}（申请号 {id}）。", "en": "Invoice issued: number {number} (request {id})."},
    "submit.again": {"zh": "这张发票已经提交过了：申请号 {id}，状态：{status}。", "en": "This was already submitted: request {id}, status {status}."},
    "mail.sent": {"zh": "发票 PDF 已发送至 {email}。", "en": "The invoice PDF was sent to {email}."},
    "mail.failed_staff": {"zh": "注意：发票 {id} 的邮件没有发出去，申请人已收到聊天里的 PDF 和提示。稍后可输入“重发邮件 {id}”再试。", "en": "Note: the e-mail with invoice {id} did not go out; the requester got the PDF in chat and a note. Type 'resend email {id}' to try again later."},
    "mail.no_address": {"zh": "{id} 申请时没有选择邮件交付，可以输入“PDF {id}”在聊天中下载。", "en": "{id} was not requested by e-mail; type 'pdf {id}' to get it here."},
    "mail.failed": {"zh": "邮件暂时发送失败，您可以在聊天中下载 PDF（输入“PDF {id}”）。", "en": "The e-mail could not be sent now; you can download the PDF here ('pdf {id}')."},
    "paper.note": {"zh": "纸质发票将通过 EMS 或顺丰寄出，3–5 个工作日送达，运费由申请方承担。", "en": "The paper invoice goes by EMS or SF Express in 3-5 working days; postage is paid by you."},
    # review (finance)
    "notify.finance_new": {"zh": "新的开票申请 {id}：{buyer}，价税合计 ¥{total}，待审核。", "en": "New invoice request {id}: {buyer}, total ¥{total}, waiting for review."},
    "notify.approved": {"zh": "您的开票申请 {id} 已通过，发票号码 {number}。", "en": "Your request {id} was approved: invoice number {number}."},
    "notify.rejected": {"zh": "您的开票申请 {id} 被退回，原因：{reason}。修改后可重新申请。", "en": "Your request {id} was rejected: {reason}. You may correct it and apply again."},
    "notify.voided": {"zh": "您的发票 {number}（申请号 {id}）已作废，原因：{reason}。", "en": "Your invoice {number} (request {id}) was voided: {reason}."},
    "notify.red_lettered": {"zh": "您的发票 {original}（申请号 {id}）已由红字发票 {number} 冲销，原因：{reason}。红字发票随附。", "en": "Your invoice {original} (request {id}) was reversed by red-letter invoice {number}: {reason}. The red-letter invoice is attached."},
    "notify.cancel_request": {
        "zh": "{user} 申请{path}发票 {number}（{id}），原因：{reason}。",
        "en": "{user} asks to {path} invoice {number} ({id}): {reason}.",
    },
    "review.queue": {"zh": "待审核的申请（{count}）：", "en": "Requests waiting for review ({count}):"},
    "review.empty": {"zh": "没有待审核的申请。", "en": "Nothing is waiting for review."},
    "review.card": {"zh": "{id}：{status}（申请人：{requester}）", "en": "{id}: {status} (requested by {requester})"},
    "review.ask_reason": {"zh": "请输入退回 {id} 的原因：", "en": "Why is {id} rejected?"},
    "review.approved": {"zh": "已开具：{id}，发票号码 {number}。已通知申请人。", "en": "Issued {id}: number {number}. The requester has been told."},
    "review.reject_cancelled": {"zh": "已取消退回，{id} 仍待审核。", "en": "Rejection cancelled; {id} is still waiting for review."},
    "review.rejected": {"zh": "已退回 {id}，已通知申请人。", "en": "Rejected {id}; the requester has been told."},
    "choice.review.open": {"zh": "{id} ¥{total}", "en": "{id} ¥{total}"},
    "choice.review.approve": {"zh": "通过并开具", "en": "Approve and issue"},
    "choice.review.reject": {"zh": "退回", "en": "Reject"},
    # records
    "records.list": {"zh": "您的发票（{count}）：", "en": "Your invoices ({count}):"},
    "records.none": {"zh": "您还没有发票申请。输入“开发票”开始申请。", "en": "You have no invoice requests yet. Say 'invoice' to start one."},
    "records.row": {"zh": "{id}  {number}  {buyer}  ¥{total}  {status}", "en": "{id}  {number}  {buyer}  ¥{total}  {status}"},
    "records.status": {"zh": "{id}：{status}{number}\n购买方：{buyer}\n价税合计：¥{total}", "en": "{id}: {status}{number}\nBuyer: {buyer}\nTotal: ¥{total}"},
    "records.legacy_code": {
        "zh": "这是旧版税控发票代码（{digits} 位）+ 8 位号码。Sif 开具的是 20 位号码的数电票，查不到这张票；请到全国增值税发票查验平台查验（输入代码、号码、日期和校验码）。",
        "en": "That is an old-style {digits}-digit invoice code plus an 8-digit number. Sif issues 20-digit fully digitalised invoices, so it is not ours; please check it on the national VAT invoice verification platform (code, number, date and check code).",
    },
    "records.reject_reason": {"zh": "退回原因：{reason}", "en": "Reason for rejection: {reason}"},
    "records.reissued": {"zh": "已按 {id} 的内容新建草稿，请核对并修改需要更正的地方（例如“修改 税号”），然后提交：", "en": "A new draft with everything from {id}: check it, correct what was wrong (e.g. 'edit tax id'), then submit:"},
    "records.no_reissue": {"zh": "{id} 当前状态为“{status}”，或已经重新申请过，不能再从它重新申请。", "en": "{id} is {status} or was already applied for again, so it cannot be started again from here."},
    "records.no_pdf": {"zh": "{id} 还没有开具，暂无 PDF。", "en": "{id} is not issued yet, so there is no PDF."},
    "records.pdf": {"zh": "发票 {number} 的 PDF：", "en": "The PDF of invoice {number}:"},
    "records.cancel_path.void": {
        "zh": "发票 {number} 仍在作废期内（开具当月且 24 小时内），可以作废。",
        "en": "Invoice {number} is still inside the void window (same month, within 24 hours), so it can be voided.",
    },
    "records.cancel_path.red_letter": {
        "zh": "发票 {number} 已超过作废期限，需要开具红字发票（红字信息表审核通常 1–2 个工作日）。",
        "en": "Invoice {number} is past the void window, so it needs a red-letter invoice (the information form takes 1-2 working days).",
    },
    "records.cancel_sent": {"zh": "已把您的申请和原因转给财务，处理后会通知您。", "en": "Your request and reason went to finance; you will be told when it is done."},
    "records.cancel_reason": {"zh": "请说明原因，例如：作废 {id} 抬头少了“分公司”", "en": "Please give the reason, e.g.: void {id} buyer name is missing the branch"},
    "records.cancel_pending": {"zh": "您已经申请过作废或红冲发票 {number}，财务处理中，处理后会通知您。", "en": "You already asked to cancel invoice {number}; finance is on it and you will be told when it is done."},
    "records.red_needed": {"zh": "发票 {number} 已超过作废期限，不能作废，需要开具红字发票。", "en": "Invoice {number} is past the void window and cannot be voided; it needs a red-letter invoice."},
    "records.voided": {"zh": "已作废发票 {number}。", "en": "Invoice {number} is voided."},
    "records.red_issued": {"zh": "已开具红字发票 {number}，原发票 {original} 已红冲。", "en": "Red-letter invoice {number} issued; {original} is now red-flushed."},
    "records.red_usage": {"zh": "请这样输入：红冲 发票号 信息表编号 原因", "en": "Type: red-letter INVOICE FORM_NUMBER REASON"},
    "choice.records.pdf": {"zh": "下载 PDF", "en": "Get the PDF"},
    "choice.records.cancel": {"zh": "申请作废/红冲", "en": "Ask to cancel"},
    "choice.records.open": {"zh": "打开处理", "en": "Open it"},
    "choice.records.reissue": {"zh": "修改后重新申请", "en": "Correct and apply again"},
    "path.void": {"zh": "作废", "en": "void"},
    "path.red_letter": {"zh": "红冲", "en": "red-letter"},
    "batch.template": {
        "zh": "这是批量开票模板：每行一张发票（一行项目），填好后直接把文件发给我，每行按同样的规则校验。",
        "en": "Here is the batch template: one invoice (one line) per row. Send the filled file back; every row is checked by the same rules.",
    },
    "batch.summary": {"zh": "已导入 {ok} 张发票申请，{bad} 行有问题：", "en": "{ok} requests imported, {bad} row(s) with problems:"},
    "batch.bad_row": {"zh": "第 {row} 行 {field}（{code}）：{message}", "en": "Row {row} {field} ({code}): {message}"},
    "status.draft": {"zh": "草稿", "en": "draft"},
    "status.pending_review": {"zh": "待审核", "en": "pending review"},
    "status.issued": {"zh": "已开具", "en": "issued"},
    "status.rejected": {"zh": "已退回", "en": "rejected"},
    "status.voided": {"zh": "已作废", "en": "voided"},
    "status.red_flushed": {"zh": "已红冲", "en": "red-flushed"},
    # free talk
    "greeting": {
        "zh": "您好，我是 Sif 发票助手。可以帮您开发票（输入“开发票”）、查询“我的发票”，或回答发票相关问题。",
        "en": "Hello, I'm the Sif invoice assistant. I can request an invoice ('invoice'), show 'my invoices', or answer questions about invoices.",
    },
    "help.nothing_open": {"zh": "现在没有正在填写的表单。", "en": "No form is open right now."},
    "help.idle": {
        "zh": "我可以帮您：\n• 开发票：输入“开发票”，我一步步带您填写；“批量开票”用 Excel 一次提交多张\n"
              "• 查发票：“我的发票”，或“查询 申请号”、“PDF 申请号”\n"
              "• 解答问题：直接输入，例如“专票和普票有什么区别”\n"
              "• 找人工：输入“人工”提交工单，“我的工单”查看进度",
        "en": "I can help you:\n• Request an invoice: type 'invoice' and I'll walk you through it; "
              "'batch' submits many at once from Excel\n"
              "• Find invoices: 'my invoices', or 'status ID', 'pdf ID'\n"
              "• Answer questions: just ask, e.g. 'special vs ordinary invoice'\n"
              "• Reach a person: type 'human' to open a ticket, 'my tickets' to follow it",
    },
    "help.idle_finance": {
        "zh": "• 审核：“待审核”查看申请，或“通过 申请号”",
        "en": "• Review: 'pending' lists requests, or 'approve ID'",
    },
    "help.idle_agent": {
        "zh": "• 工单：“工单队列”，“认领/回复/升级/解决 工单号 …”",
        "en": "• Tickets: 'queue', 'claim/reply/escalate/solve ID …'",
    },
    "faq.follow_up": {"zh": "（接着您上一个问题，我理解为：“{question}”）", "en": "(Following on from your last question, I read this as: \"{question}\")"},
    "faq.part": {"zh": "关于“{part}”：", "en": "On \"{part}\":"},
    "faq.part_unsure": {"zh": "关于“{part}”，我不太确定，可以换个说法单独问我。", "en": "On \"{part}\", I'm not sure: please ask it on its own in other words."},
    "faq.helpful": {"zh": "👍 有帮助", "en": "👍 Helpful"},
    "faq.not_helpful": {"zh": "👎 没帮助", "en": "👎 Not helpful"},
    "faq.thanks_feedback": {"zh": "谢谢反馈！", "en": "Thanks for the feedback!"},
    "faq.not_helpful_reply": {"zh": "谢谢反馈，抱歉没帮上忙。可以换个说法再问一次，或者提交工单转人工。", "en": "Thanks, and sorry that did not help. Try asking in other words, or open a ticket for a person."},
    "faq.not_helpful_near": {"zh": "谢谢反馈，抱歉没帮上忙。您问的也可能是下面这些（回复序号或点选）：\n{choices}\n都不是的话，可以换个说法再问，或者提交工单转人工。", "en": "Thanks, and sorry that did not help. You may have meant one of these (reply with the number or press it):\n{choices}\nIf none of them, try asking in other words, or open a ticket for a person."},
    "faq.related": {"zh": "相关问题：", "en": "Related:"},
    "faq.did_you_mean": {"zh": "我不太确定，您是想问：", "en": "I'm not sure. Did you mean:"},
    "faq.offer_invoice": {"zh": "开发票", "en": "Request an invoice"},
    "faq.file_complaint": {"zh": "提交投诉工单", "en": "File a complaint"},
    "faq.start_here": {"zh": "在这里开（我带您填）", "en": "Request one here (I'll guide you)"},
    "faq.unavailable": {"zh": "知识库暂时不可用，请稍后再试。", "en": "The knowledge base is not available right now; please try again later."},
    "form.back_to_step": {"zh": "我们继续：", "en": "Let's go on:"},
    "input.stale_choice": {"zh": "这个按钮已经失效了，请按最新的提示操作。", "en": "That button is no longer valid; please use the latest one."},
    "input.files_ignored": {"zh": "这一步不需要文件，已忽略附件。", "en": "This step takes no file; the attachment was ignored."},
    "internal_error": {
        "zh": "抱歉，系统出了点问题，这条消息没有处理；之前填写的内容都还在，请稍后再试（错误编号 {ref}）。",
        "en": "Sorry, something went wrong on our side and this message was not processed; everything you entered before is kept. Please try again (error {ref}).",
    },
}

FIELD_LABELS: dict[str, dict[str, str]] = {
    "invoice_type": {"zh": "发票类型", "en": "invoice type"},
    "buyer_kind": {"zh": "购买方类型", "en": "buyer kind"},
    "buyer_name": {"zh": "购买方名称", "en": "buyer name"},
    "buyer_tax_id": {"zh": "纳税人识别号", "en": "tax ID"},
    "buyer_address_phone": {"zh": "地址电话", "en": "address and phone"},
    "buyer_bank_account": {"zh": "开户行及账号", "en": "bank and account"},
    "items": {"zh": "项目明细", "en": "lines"},
    "remark": {"zh": "备注", "en": "remark"},
    "delivery": {"zh": "交付方式", "en": "delivery"},
    "confirm": {"zh": "确认提交", "en": "confirmation"},
}

# Words people use for a field after 修改/edit (besides its label and step name).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "invoice_type": ("类型", "票种", "type"),
    "buyer_kind": ("单位/个人", "kind"),
    "buyer_name": ("名称", "抬头", "购买方", "name", "title", "buyer"),
    "buyer_tax_id": ("税号", "识别号", "信用代码", "tax id", "taxid", "tax"),
    "buyer_address_phone": ("地址", "电话", "address", "phone"),
    "buyer_bank_account": ("开户行", "账号", "银行", "bank", "account"),
    "items": ("明细", "项目", "商品", "lines", "line", "item"),
    "remark": ("备注", "remarks", "note"),
    "delivery": ("交付", "邮箱", "email", "delivery"),
}

MESSAGES = {**CORE_MESSAGES, **BOT_MESSAGES,
            **{f"field.{k}": v for k, v in FIELD_LABELS.items()}}


def t(key: str, lang: str, **params: object) -> str:
    return render(MESSAGES, key, lang, params)
