"""Tickets' texts of the core: error codes, notices and labels, zh and en.

To be merged into core.messages.MESSAGES; until then `render_ticket` looks in both.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.i18n import render

TICKET_MESSAGES: dict[str, dict[str, str]] = {
    # errors
    "ticket_description_required": {
        "zh": "请用至少 {min} 个字描述您的问题（发生了什么、哪张发票或订单、报错内容）。",
        "en": "Please describe the problem in at least {min} characters (what happened, which "
              "invoice or order, any error shown).",
    },
    "ticket_category_invalid": {"zh": "请选择问题类别：{allowed}。", "en": "Please pick a category: {allowed}."},
    "ticket_priority_invalid": {"zh": "优先级只能是：{allowed}。", "en": "The priority must be one of: {allowed}."},
    "ticket_text_required": {"zh": "请填写{what}的内容。", "en": "Please write the {what}."},
    "ticket_text_too_long": {"zh": "内容太长（{length} 个字符，最多 {max} 个），请精简。", "en": "That is too long ({length} characters, at most {max})."},
    "ticket_assignee_not_agent": {"zh": "{user} 不是客服，不能分配给他。", "en": "{user} is not an agent and cannot be assigned."},
    "ticket_closed": {
        "zh": "工单 {id} 已关闭，不能再修改；如问题仍在，请提交新工单。",
        "en": "Ticket {id} is closed; if the problem is still there, please open a new ticket.",
    },
    "ticket_claimed": {
        "zh": "工单 {id} 已由 {owner} 认领。如需转交，请用“分配”（assign）。",
        "en": "Ticket {id} is already claimed by {owner}. To hand it over, use assign.",
    },
    "ticket_not_agent": {
        "zh": "{user} 不是客服：请在配置文件的 [roles] 中设为 agent（shell 用户写作 \"shell:{user}\"）。",
        "en": "{user} is not an agent: give them role agent under [roles] in the settings (a shell user as \"shell:{user}\").",
    },
    # what someone tried, in "您没有权限{action}" / "You are not allowed to {action}" (never the
    # internal name of the action)
    "action.queue": {"zh": "查看工单队列", "en": "see the ticket queue"},
    "action.claim": {"zh": "认领工单", "en": "claim tickets"},
    "action.assign": {"zh": "分配工单", "en": "assign tickets"},
    "action.reply": {"zh": "回复工单", "en": "reply on tickets"},
    "action.note": {"zh": "添加内部备注", "en": "add internal notes"},
    "action.priority": {"zh": "修改工单优先级", "en": "change a ticket's priority"},
    "action.escalate": {"zh": "升级工单", "en": "escalate tickets"},
    "action.reason": {"zh": "升级工单", "en": "escalate tickets"},
    "action.pending": {"zh": "把工单设为待补充", "en": "set tickets pending"},
    "action.solve": {"zh": "解决工单", "en": "solve tickets"},
    "action.reopen": {"zh": "重新打开工单", "en": "reopen tickets"},
    "action.add_info": {"zh": "补充这个工单", "en": "add to this ticket"},
    "ticket_top_tier": {"zh": "工单 {id} 已在最高级别（第 {tier} 线）。", "en": "Ticket {id} is already at the top tier ({tier})."},
    "ticket_invalid_transition": {
        "zh": "工单 {id} 当前为“{status}”，不能{action}。",
        "en": "Ticket {id} is {status}; it cannot be {action}.",
    },
    "ticket_too_many_attachments": {"zh": "一个工单最多 {max} 个附件。", "en": "A ticket holds at most {max} attachments."},
    # notices to the requester
    "ticket.notice.reply": {"zh": "💬 工单 {id} 有新回复（{agent}）：\n{text}", "en": "💬 New reply on ticket {id} ({agent}):\n{text}"},
    "ticket.notice.pending": {
        "zh": "⏸ 工单 {id} 需要您补充信息：{text}\n补充后我们继续处理（计时已暂停）。",
        "en": "⏸ Ticket {id} needs more information from you: {text}\nWe go on once you add it (the clock is paused).",
    },
    "ticket.notice.solved": {
        "zh": "✅ 工单 {id} 已解决。{text}\n如问题仍未解决，{days} 天内补充信息即可重新打开。",
        "en": "✅ Ticket {id} is solved. {text}\nIf it is not, add information within {days} days to reopen it.",
    },
    "ticket.notice.reopened": {"zh": "🔄 工单 {id} 已重新打开，客服会继续处理。", "en": "🔄 Ticket {id} is reopened; support is on it again."},
    "ticket.notice.closed": {"zh": "工单 {id} 已关闭。感谢您的耐心！", "en": "Ticket {id} is closed. Thank you for your patience!"},
    # notices to support staff
    "ticket.notice.new": {
        "zh": "🆕 新工单 {id}（{category}，{priority}）：{subject}\n首次响应截止 {due}",
        "en": "🆕 New ticket {id} ({category}, {priority}): {subject}\nFirst response due {due}",
    },
    "ticket.notice.warning": {
        "zh": "⚠️ 工单 {id} 的{clock}即将超时：截止 {due}（{subject}）",
        "en": "⚠️ Ticket {id}: {clock} is due soon, at {due} ({subject})",
    },
    "ticket.notice.breach": {
        "zh": "🚨 工单 {id} 的{clock}已超时（截止 {due}），已升级到第 {tier} 线：{subject}",
        "en": "🚨 Ticket {id}: {clock} breached (due {due}); escalated to tier {tier}: {subject}",
    },
    "ticket.notice.escalated": {
        "zh": "⬆️ 工单 {id} 已升级到第 {tier} 线（{agent}）：{reason}",
        "en": "⬆️ Ticket {id} escalated to tier {tier} by {agent}: {reason}",
    },
    "ticket.notice.assigned": {"zh": "📌 工单 {id} 已分配给您：{subject}", "en": "📌 Ticket {id} is assigned to you: {subject}"},
    "ticket.notice.info_added": {
        "zh": "📎 工单 {id} 的提交人补充了信息：{text}",
        "en": "📎 The requester of ticket {id} added information: {text}",
    },
    "ticket.notice.requester_reopened": {
        "zh": "🔄 工单 {id} 被提交人重新打开：{text}",
        "en": "🔄 The requester reopened ticket {id}: {text}",
    },
    # labels
    "ticket.status.new": {"zh": "新建", "en": "new"},
    "ticket.status.open": {"zh": "处理中", "en": "open"},
    "ticket.status.pending": {"zh": "待补充", "en": "pending"},
    "ticket.status.solved": {"zh": "已解决", "en": "solved"},
    "ticket.status.closed": {"zh": "已关闭", "en": "closed"},
    "ticket.category.account": {"zh": "账户登录", "en": "Account & login"},
    "ticket.category.payment": {"zh": "支付问题", "en": "Payment"},
    "ticket.category.invoice": {"zh": "发票问题", "en": "Invoice"},
    "ticket.category.order": {"zh": "订单问题", "en": "Order"},
    "ticket.category.technical": {"zh": "技术故障", "en": "Technical fault"},
    "ticket.category.complaint": {"zh": "投诉", "en": "Complaint"},
    "ticket.category.other": {"zh": "其他", "en": "Other"},
    "ticket.priority.urgent": {"zh": "紧急", "en": "urgent"},
    "ticket.priority.high": {"zh": "高", "en": "high"},
    "ticket.priority.normal": {"zh": "普通", "en": "normal"},
    "ticket.priority.low": {"zh": "低", "en": "low"},
    "ticket.clock.first_response": {"zh": "首次响应", "en": "first response"},
    "ticket.clock.resolution": {"zh": "解决时限", "en": "resolution"},
    "ticket.action.create": {"zh": "提交", "en": "filed"},
    "ticket.action.close": {"zh": "关闭", "en": "closed"},
    "ticket.action.claim": {"zh": "认领", "en": "claimed"},
    "ticket.action.sla_warning": {"zh": "SLA 预警", "en": "SLA warning on"},
    "ticket.action.sla_breach": {"zh": "SLA 超时", "en": "SLA breach on"},
    "ticket.action.reply": {"zh": "回复", "en": "replied to"},
    "ticket.action.note": {"zh": "添加备注", "en": "noted"},
    "ticket.action.assign": {"zh": "分配", "en": "assigned"},
    "ticket.action.priority": {"zh": "修改优先级", "en": "re-prioritised"},
    "ticket.action.escalate": {"zh": "升级", "en": "escalated"},
    "ticket.action.pending": {"zh": "设为待补充", "en": "set pending"},
    "ticket.action.solve": {"zh": "标记解决", "en": "solved"},
    "ticket.action.reopen": {"zh": "重新打开", "en": "reopened"},
    "ticket.action.add_info": {"zh": "补充信息", "en": "added to"},
    "ticket.what.reply": {"zh": "回复", "en": "reply"},
    "ticket.what.note": {"zh": "备注", "en": "note"},
    "ticket.what.reason": {"zh": "原因", "en": "reason"},
    "ticket.what.info": {"zh": "补充信息", "en": "information"},
}

# Parameters that hold a code and are shown by their label in the reader's language.
LABELLED = {"status": "ticket.status", "category": "ticket.category",
            "priority": "ticket.priority", "clock": "ticket.clock", "action": "ticket.action",
            "what": "ticket.what"}

def _all_messages() -> dict[str, dict[str, str]]:
    """The whole catalogue (core.messages merges these ticket texts into it)."""
    from core.messages import MESSAGES

    return MESSAGES


def label(kind: str, code: str, lang: str) -> str:
    return render(_all_messages(), f"{LABELLED[kind]}.{code}", lang) if code else ""


def render_ticket(key: str, lang: str, params: Mapping[str, object] | None = None) -> str:
    """A ticket text in `lang`, code parameters (status, category ...) shown by their label."""
    shown = {name: (label(name, str(value), lang) if name in LABELLED else value)
             for name, value in (params or {}).items()}
    return render(_all_messages(), key, lang, shown)
