"""The core's message catalogue: rule codes and lifecycle errors, zh and en."""

from __future__ import annotations

from core.mail_messages import MAIL_MESSAGES
from core.rules_messages import LINE_INPUT_MESSAGES, RULE_MESSAGES
from core.ticket_messages import TICKET_MESSAGES

LIFECYCLE_MESSAGES: dict[str, dict[str, str]] = {
    "error": {"zh": "出错了，请稍后再试。", "en": "Something went wrong; please try again."},
    "validation_failed": {"zh": "有 {count} 处需要修改。", "en": "{count} thing(s) need fixing."},
    "not_found": {"zh": "找不到{what}：{id}。", "en": "No {what} found: {id}."},
    "permission_denied": {
        "zh": "您没有权限{action}。",
        "en": "You are not allowed to {action}.",
    },
    "permission_no_finance_role": {
        "zh": "{user} 没有财务权限，不能执行此操作。请在配置文件的 [roles] 中为其设置财务角色。",
        "en": "{user} has no finance role, so cannot do this; give them one under [roles] in "
        "the settings.",
    },
    "invalid_transition": {
        "zh": "发票 {id} {status}，不能{action}。",
        "en": "Invoice {id} is {status}, so you cannot {action}.",
    },
    "config_invalid": {
        "zh": "配置文件有误：{key}：{reason}",
        "en": "Invalid settings: {key}: {reason}",
    },
}

MESSAGES: dict[str, dict[str, str]] = {**RULE_MESSAGES, **LIFECYCLE_MESSAGES}

# What SifError.message puts for `status` and `action` (never the internal name): how a record
# is, and what someone tried to do to it. An action without an entry reads "do this".
STATE_WORDS: dict[str, dict[str, str]] = {
    "state.draft": {"zh": "还是草稿", "en": "still a draft"},
    "state.pending_review": {"zh": "还在待审核", "en": "still waiting for review"},
    "state.issued": {"zh": "已经开具", "en": "already issued"},
    "state.rejected": {"zh": "已被退回", "en": "rejected"},
    "state.voided": {"zh": "已作废", "en": "voided"},
    "state.red_flushed": {"zh": "已红冲", "en": "red-flushed"},
    "state.red": {"zh": "是红字发票", "en": "a red-letter invoice"},
    "state.replaced": {"zh": "已经重新申请过", "en": "already applied for again"},
    "action.approve": {"zh": "审核通过", "en": "approve it"},
    "action.reject": {"zh": "退回", "en": "reject it"},
    "action.void": {"zh": "作废", "en": "void it"},
    "action.red_letter": {"zh": "红冲", "en": "red-letter it"},
    "action.reissue": {"zh": "重新申请", "en": "apply for it again"},
    "action.cancel": {"zh": "申请作废或红冲", "en": "ask to cancel it"},
    "action.submit": {"zh": "提交这份申请", "en": "submit this request"},
    "action.review": {"zh": "查看待审核的申请", "en": "see the requests waiting for review"},
    "action.unknown": {"zh": "执行此操作", "en": "do this"},
}
MESSAGES.update(STATE_WORDS)

# Names of things in messages ("找不到发票：R-…"): SifError.message translates `what` with these.
MESSAGES.update({
    "what.invoice": {"zh": "发票", "en": "invoice"},
    "what.draft": {"zh": "草稿", "en": "draft"},
    "what.ticket": {"zh": "工单", "en": "ticket"},
})

INVOICE_MESSAGES: dict[str, dict[str, str]] = {
    "field_required": {"zh": "还缺少“{field}”，请补充。", "en": "'{field}' is still missing; please fill it in."},
    "lines_required": {
        "zh": "发票至少需要一行项目，请添加商品或服务。",
        "en": "An invoice needs at least one line; please add a product or service.",
    },
    "special_needs_organisation": {
        "zh": "增值税专用发票只能开给单位，不能开给个人；请改开普通发票，或把购买方改为单位。",
        "en": "A special VAT invoice is for organisations only, never a person; choose an ordinary invoice or an organisation as buyer.",
    },
    "special_field_required": {
        "zh": "开具专票时“{field}”必填，请补充。",
        "en": "'{field}' is required on a special VAT invoice; please fill it in.",
    },
    "special_no_exempt": {
        "zh": "免税项目不能开增值税专用发票（须开普通发票），请改票种或修改税率。",
        "en": "A tax-exempt line cannot go on a special VAT invoice (it needs an ordinary invoice); change the type or the rate.",
    },
    "discount_without_line": {
        "zh": "第 {line} 行折扣必须紧跟在被折扣的项目行之后，请先添加该项目行。",
        "en": "The discount on line {line} must follow the line it discounts; add that line first.",
    },
    "discount_rate_mismatch": {
        "zh": "第 {line} 行折扣的税率必须与被折扣行相同，请修改税率。",
        "en": "The discount on line {line} must have the same tax rate as the line it discounts.",
    },
    "discount_too_large": {
        "zh": "第 {line} 行折扣不能超过被折扣行的金额（最多 {max} 元），请改小折扣。",
        "en": "The discount on line {line} cannot exceed the discounted line (at most {max}); make it smaller.",
    },
    "amount_over_limit": {
        "zh": "金额超限：合计金额 {amount} 元超过单张发票限额 {limit} 元，请拆分成多张发票。",
        "en": "Amount over limit: {amount} exceeds the per-invoice limit of {limit}; split it into several invoices.",
    },
    "total_not_positive": {
        "zh": "发票合计必须大于 0，请检查数量、单价和折扣。",
        "en": "The invoice total must be above 0; check quantities, prices and discounts.",
    },
    "totals_do_not_tie": {
        "zh": "合计与各行之和相差超过 0.01 元，请重新核对各行金额。",
        "en": "The total differs from the sum of the lines by more than 0.01; check the lines.",
    },
    "remark_part_missing": {
        "zh": "该业务的备注栏必须注明“{part}”，请补充。",
        "en": "For this business the remark must state the {part_en}; please add it.",
    },
    "delivery_address_required": {
        "zh": "纸质发票需要邮寄地址（收件人、地址、电话），运费由申请方承担。",
        "en": "A paper invoice needs a mailing address (recipient, address, phone); postage is paid by the requester.",
    },
    "delivery_email_required": {
        "zh": "请填写收票邮箱，例如 finance@company.com。",
        "en": "Please give the e-mail address for the invoice, e.g. finance@company.com.",
    },
    "delivery_email_invalid": {
        "zh": "“{email}”不是有效的邮箱地址，请检查后重新输入，例如 finance@company.com。",
        "en": "'{email}' is not a valid e-mail address; please check it and type it again, "
        "e.g. finance@company.com.",
    },
    "reason_required": {"zh": "请填写原因。", "en": "Please give a reason."},
    "red_form_no_invalid": {
        "zh": "红字发票信息表编号应为 8–24 位数字，请核对后重新输入。",
        "en": "The red-letter information form number is 8–24 digits; please check it.",
    },
    "draft_expired": {
        "zh": "草稿 {id} 已过期，请重新填写发票申请。",
        "en": "Draft {id} has expired; please fill in the request again.",
    },
    "batch_unreadable": {"zh": "无法读取该 Excel 文件（{reason}），请使用下载的模板。", "en": "That Excel file cannot be read ({reason}); please use the template."},
    "batch_too_many_rows": {"zh": "一次最多导入 {max} 行，请分批上传。", "en": "At most {max} rows at a time; please split the file."},
    "void_window_closed": {
        "zh": "发票 {id} 已超过作废期限（仅限开具当月且 24 小时内），请改开红字发票。",
        "en": "Invoice {id} can no longer be voided (only in the month of issue and within 24 hours); issue a red-letter invoice instead.",
    },
}

MESSAGES.update(INVOICE_MESSAGES)

INPUT_MESSAGES: dict[str, dict[str, str]] = {
    "choose_one": {
        "zh": "请从按钮中选择一项（也可以输入选项名称）。",
        "en": "Please pick one of the buttons (or type its name).",
    },
    "price_mode_locked": {
        "zh": "已有项目按另一种价格口径录入；如需更改，请先删除已有行。",
        "en": "Lines were already entered the other way; delete them first to change it.",
    },
    "line_not_found": {
        "zh": "没有第 {line} 行（共 {count} 行）。",
        "en": "There is no line {line} (there are {count}).",
    },
    "edit_discount_line": {
        "zh": "折扣行不能单独修改，请删除后重新添加。",
        "en": "A discount line cannot be edited; delete it and add it again.",
    },
    "amount_invalid": {
        "zh": "“{value}”不是有效金额，请输入大于 0 的数字，例如 500 或 1,200.50。",
        "en": "'{value}' is not a valid amount; type a number above 0, e.g. 500 or 1,200.50.",
    },
    "quantity_invalid": {
        "zh": "“{value}”不是有效数量，请输入大于 0 的数字，例如 1 或 2.5。",
        "en": "'{value}' is not a valid quantity; type a number above 0, e.g. 1 or 2.5.",
    },
    "unit_price_invalid": {
        "zh": "“{value}”不是有效单价，请输入大于 0、最多两位小数的数字，例如 10600。",
        "en": "'{value}' is not a valid unit price; type a number above 0 with at most 2 decimals, e.g. 10600.",
    },
    "rate_invalid": {
        "zh": "“{value}”不是可用税率，可选：13%、9%、6%、5%、3%、1%、0% 或 免税。",
        "en": "'{value}' is not a rate we can use; choose one of 13%, 9%, 6%, 5%, 3%, 1%, 0% "
        "or tax-exempt.",
    },
    "line_format": {
        "zh": "没看懂这一行。请按“名称，数量，单价，税率”输入，例如：软件开发服务，1，10600，6%",
        "en": "I could not read that line. Type 'name, quantity, price, rate', e.g. Software development, 1, 10600, 6%",
    },
    "skip_not_allowed": {
        "zh": "这一项是必填的，不能跳过。",
        "en": "This one is required and cannot be skipped.",
    },
    "edit_unknown_field": {
        "zh": "没有名为“{field}”的字段。可以修改的字段：{fields}。请输入“修改 字段名”，例如“修改 税号”。",
        "en": "There is no field '{field}'. You can edit: {fields}. Type 'edit FIELD', e.g. "
        "'edit tax ID'.",
    },
    "nothing_to_keep": {
        "zh": "这一项还没有填写，没有可保留的值，请输入。",
        "en": "Nothing is filled in here yet, so there is nothing to keep; please type it.",
    },
    "draft_gone": {
        "zh": "这张草稿已不存在，请输入“开发票”重新开始。",
        "en": "That draft no longer exists; say 'invoice' to start again.",
    },
    "input_too_long": {"zh": "输入太长了（{length} 个字符，最多 {max} 个），请精简后重新输入。", "en": "That is too long ({length} characters, at most {max}); please shorten it."},
    "input_unreadable": {"zh": "这条消息里有无法识别的字符（终端可能不是 UTF-8 编码），请换成 UTF-8 后重新输入。", "en": "That message has characters I cannot read (your terminal may not be using UTF-8); please switch to UTF-8 and type it again."},
    "input_empty": {"zh": "没有收到内容，请重新输入。", "en": "I received nothing; please type again."},
    "pick_out_of_range": {"zh": "没有第 {number} 项：请回复 1–{count} 之间的序号，或直接点选项。", "en": "There is no number {number}: reply with a number from 1 to {count}, or press an option."},
    "stale_choice": {"zh": "这个按钮已经失效了，请按最新的提示操作。", "en": "That button is no longer valid; please use the latest one."},
    "too_many_lines": {
        "zh": "一张发票最多 {max} 行，请拆分为多张发票。",
        "en": "An invoice holds at most {max} lines; split it into several invoices.",
    },
}

MESSAGES.update(INPUT_MESSAGES)
MESSAGES.update(LINE_INPUT_MESSAGES)
MESSAGES.update(MAIL_MESSAGES)
MESSAGES.update(TICKET_MESSAGES)
