"""What the ticket conversation says, zh and en (labels and notices come from the core)."""

from __future__ import annotations

from core.i18n import render
from core.messages import MESSAGES as CORE_MESSAGES
from core.ticket_messages import LABELLED

TICKET_CHAT: dict[str, dict[str, str]] = {
    # filing
    "ticket.ask.category": {"zh": "好的，我来帮您提交工单，由人工客服处理。请选择问题类别：", "en": "Sure, let's open a ticket for a person in support. Which kind of problem is it?"},
    "ticket.ask.description": {
        "zh": "请描述您遇到的问题：发生了什么、涉及哪张发票或订单、看到了什么报错。",
        "en": "Please describe the problem: what happened, which invoice or order, any error you saw.",
    },
    "ticket.ask.attachments": {
        "zh": "如有截图或日志文件，请直接发送（可以发多个）；没有或发完了请点“完成”。",
        "en": "If you have screenshots or log files, send them now (several are fine); choose Done when finished or if there are none.",
    },
    "ticket_file_unusable": {"zh": "这些文件没有收下：{files}。请重新发送。", "en": "These files were not taken: {files}. Please send them again."},
    "ticket.file_problem": {"zh": "{name}（{reason}）", "en": "{name} ({reason})"},
    "ticket.file_problem.missing": {"zh": "文件不存在", "en": "no such file"},
    "ticket.file_problem.not_a_file": {"zh": "不是文件", "en": "not a file"},
    "ticket.file_problem.too_big": {"zh": "超过 {mb} MB", "en": "over {mb} MB"},
    "ticket.files_not_kept": {"zh": "以下文件未保存：{names}。", "en": "These files were not kept: {names}."},
    "ticket.attached": {"zh": "已收到附件：{names}（共 {count} 个）。可继续发送，或点“完成”。", "en": "Got {names} ({count} in all). Send more or choose Done."},
    "ticket.no_files": {"zh": "没有收到文件。请发送截图或日志，或点“完成”继续。", "en": "No file arrived. Send a screenshot or log, or choose Done to go on."},
    "ticket.confirm": {
        "zh": "请确认工单：\n类别：{category}\n描述：{description}\n附件：{count} 个\n{context}确认提交吗？",
        "en": "Please check the ticket:\nCategory: {category}\nDescription: {description}\nAttachments: {count}\n{context}Submit it?",
    },
    "ticket.context": {
        "zh": "随工单附上：最近 {turns} 条对话、{queries} 次知识库查询{draft}，方便客服了解情况。",
        "en": "Sent with it so support has the whole picture: the last {turns} chat turns, {queries} knowledge-base searches{draft}.",
    },
    "ticket.context.draft": {"zh": "、发票草稿 {id}（{problems} 处待修改）", "en": ", invoice draft {id} ({problems} problem(s))"},
    "ticket.created": {
        "zh": "工单已提交：{id}。\n客服将在 {due} 前首次回复。回复会直接发到这里；输入“我的工单”可随时查看进度。",
        "en": "Ticket {id} is filed.\nSupport will answer by {due}. Replies come right here; say 'my tickets' any time to see where it stands.",
    },
    "ticket.clock_later": {
        "zh": "现在是非服务时间（人工客服每天 {start}–{end}），SLA 计时将于 {opens} 开始。",
        "en": "Support is closed now (every day {start}-{end}); the SLA clock starts at {opens}.",
    },
    "ticket.cancelled": {"zh": "已取消，工单未提交。还有什么可以帮您？", "en": "Cancelled; no ticket was filed. Anything else?"},
    "ticket.no_save": {"zh": "工单不能暂存：请继续填写，或输入“取消”。", "en": "A ticket cannot be saved for later: go on, or say 'cancel'."},
    "ticket.help": {
        "zh": "正在提交工单（{step}）。可随时输入：返回、取消、帮助；附件步骤可输入“完成”或“跳过”。",
        "en": "Filing a ticket ({step}). At any step: back, cancel, help; at attachments also done or skip.",
    },
    "ticket.step.category": {"zh": "类别", "en": "category"},
    "ticket.step.description": {"zh": "问题描述", "en": "description"},
    "ticket.step.attachments": {"zh": "附件", "en": "attachments"},
    "ticket.step.confirm": {"zh": "确认", "en": "confirmation"},
    "ticket.choice.done": {"zh": "完成", "en": "Done"},
    "ticket.choice.submit": {"zh": "提交工单", "en": "Submit"},
    "ticket.choice.edit_category": {"zh": "修改类别", "en": "Edit category"},
    "ticket.choice.edit_description": {"zh": "修改描述", "en": "Edit description"},
    "ticket.choice.new": {"zh": "提交工单（转人工）", "en": "Open a ticket (talk to a person)"},
    # the requester's views
    "ticket.mine": {"zh": "您的工单（{count}）：", "en": "Your tickets ({count}):"},
    "ticket.none": {"zh": "您还没有工单。输入“工单”或“转人工”即可提交。", "en": "You have no tickets. Say 'ticket' or 'human' to open one."},
    "ticket.row": {"zh": "{id}  {status}  {subject}", "en": "{id}  {status}  {subject}"},
    "ticket.view": {
        "zh": "{id}（{status}）{category} · {priority}\n{subject}\n提交于 {created}",
        "en": "{id} ({status}) {category} · {priority}\n{subject}\nFiled {created}",
    },
    "ticket.view.clock": {"zh": "{clock}：{state}", "en": "{clock}: {state}"},
    "ticket.clock.due": {"zh": "截止 {due}", "en": "due {due}"},
    "ticket.clock.met": {"zh": "已于 {met} 完成", "en": "met at {met}"},
    "ticket.clock.paused": {"zh": "已暂停（等待您补充信息）", "en": "paused (waiting for your information)"},
    "ticket.clock.breached": {"zh": "已超时", "en": "overdue"},
    "ticket.view.entry": {"zh": "· {at} {who} {action}：{text}", "en": "· {at} {who} {action}: {text}"},
    "ticket.who.requester": {"zh": "您", "en": "you"},
    "ticket.who.support": {"zh": "客服", "en": "support"},
    "ticket.ask.add_info": {"zh": "请输入要补充到工单 {id} 的信息（也可以发送文件）：", "en": "What would you like to add to ticket {id}? (Files are welcome too.)"},
    "ticket.closed_add_info": {
        "zh": "工单 {id} 已关闭，不能再补充信息。如问题仍在，请提交新工单（会注明接续 {id}）。",
        "en": "Ticket {id} is closed and takes no more information. If the problem is still there, open a new ticket (it will say it follows {id}).",
    },
    "ticket.refile": {
        "zh": "工单 {id} 已关闭，您补充的内容没有丢：已放进一张接续 {id} 的新工单，请确认提交。",
        "en": "Ticket {id} is closed, and what you wrote is not lost: it is in a new ticket that follows {id}. Please confirm it.",
    },
    "ticket.follow_up_cancelled": {"zh": "已取消，没有发送任何内容。", "en": "Cancelled; nothing was sent."},
    "ticket.follows": {"zh": "（接续已关闭的工单 {id}）", "en": "(follows closed ticket {id})"},
    "ticket.info_added": {"zh": "已补充到工单 {id}，客服会看到。", "en": "Added to ticket {id}; support will see it."},
    "ticket.choice.show": {"zh": "查看 {id}", "en": "Open {id}"},
    "ticket.choice.add_info": {"zh": "补充信息", "en": "Add information"},
    # agents
    "ticket.queue": {"zh": "工单队列（{count}），按截止时间排列：", "en": "Ticket queue ({count}), soonest due first:"},
    "ticket.queue_empty": {"zh": "队列是空的，没有待处理的工单。", "en": "The queue is empty."},
    "ticket.queue_row": {"zh": "{id} [{priority}·{status}·L{tier}] 截止 {due} {assignee} {subject}", "en": "{id} [{priority}·{status}·T{tier}] due {due} {assignee} {subject}"},
    "ticket.agent_view.requester": {"zh": "提交人：{requester}（{channel}）  负责人：{assignee}  第 {tier} 线", "en": "Requester: {requester} ({channel})  Assignee: {assignee}  Tier {tier}"},
    "ticket.agent_view.context": {"zh": "对话记录：\n{transcript}\n知识库查询：{queries}\n发票草稿：{draft}", "en": "Chat before filing:\n{transcript}\nKnowledge-base searches: {queries}\nInvoice draft: {draft}"},
    "ticket.agent_view.files": {"zh": "附件：{files}", "en": "Attachments: {files}"},
    "ticket.note_mark": {"zh": "[内部]", "en": "[internal]"},
    "ticket.ask.reply": {"zh": "请输入给 {id} 提交人的回复：", "en": "Your reply to the requester of {id}:"},
    "ticket.ask.note": {"zh": "请输入 {id} 的内部备注（提交人看不到）：", "en": "Internal note on {id} (the requester never sees it):"},
    "ticket.ask.reason": {"zh": "请输入升级 {id} 的原因：", "en": "Why is {id} escalated?"},
    "ticket.ask.priority": {"zh": "{id} 的优先级改为：", "en": "New priority of {id}:"},
    "ticket.ask.assign": {"zh": "把 {id} 分配给：", "en": "Assign {id} to:"},
    "ticket.no_agents": {"zh": "设置中没有其他客服（[roles] 中 role = \"agent\"）。", "en": "No other agents in the settings ([roles] with role \"agent\")."},
    "ticket.done.reply": {"zh": "已回复 {id}，提交人会在自己的平台收到。", "en": "Replied on {id}; the requester gets it on their own platform."},
    "ticket.done.note": {"zh": "已给 {id} 添加内部备注（提交人看不到）。", "en": "Internal note added to {id} (not shown to the requester)."},
    "ticket.done.assign": {"zh": "{id} 已分配给 {assignee}。", "en": "{id} is assigned to {assignee}."},
    "ticket.done.priority": {"zh": "{id} 的优先级已改为“{priority}”，SLA 已按新策略计算。", "en": "{id} is now {priority}; its SLA follows the new policy."},
    "ticket.done.escalate": {"zh": "{id} 已升级到第 {tier} 线，已通知支持频道。", "en": "{id} is escalated to tier {tier}; the support channel is told."},
    "ticket.done.pending": {"zh": "{id} 已设为待补充，SLA 计时暂停，已通知提交人。", "en": "{id} is pending; the SLA clock is paused and the requester is told."},
    "ticket.done.solve": {"zh": "{id} 已标记为解决，已通知提交人。", "en": "{id} is solved; the requester is told."},
    "ticket.done.reopen": {"zh": "{id} 已重新打开。", "en": "{id} is reopened."},
    "ticket.choice.claim": {"zh": "认领", "en": "Claim"},
    "ticket.choice.assign": {"zh": "分配", "en": "Assign"},
    "ticket.choice.reply": {"zh": "回复", "en": "Reply"},
    "ticket.choice.note": {"zh": "内部备注", "en": "Internal note"},
    "ticket.choice.priority": {"zh": "优先级", "en": "Priority"},
    "ticket.choice.escalate": {"zh": "升级", "en": "Escalate"},
    "ticket.choice.pending": {"zh": "待补充", "en": "Pending"},
    "ticket.choice.solve": {"zh": "解决", "en": "Solve"},
    "ticket.choice.reopen": {"zh": "重新打开", "en": "Reopen"},
    "ticket.choice.queue": {"zh": "工单队列", "en": "Queue"},
    "ticket.usage": {
        "zh": "客服指令：回复/备注/升级 T-编号 内容；认领/解决/挂起/重开 T-编号；优先级 T-编号 紧急|高|普通|低；分配 T-编号 用户。",
        "en": "Agent commands: reply/note/escalate T-N TEXT; claim/solve/pending/reopen T-N; priority T-N urgent|high|normal|low; assign T-N USER.",
    },
}

MESSAGES: dict[str, dict[str, str]] = {**CORE_MESSAGES, **TICKET_CHAT}


def tt(key: str, lang: str, **params: object) -> str:
    """A ticket chat text; code parameters (status, category ...) shown by their label."""
    shown = {name: (render(MESSAGES, f"{LABELLED[name]}.{value}", lang)
                    if name in LABELLED and value else value)
             for name, value in params.items()}
    return render(MESSAGES, key, lang, shown)
