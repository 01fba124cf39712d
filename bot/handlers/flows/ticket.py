"""The ticket flow: category (buttons) -> description -> attachments (optional) -> confirm.

Offered when the knowledge base has no answer or the person asks for a human. What led to it
goes with the ticket: the last chat turns, the invoice draft being filled in and its problems,
and the knowledge-base searches tried. The id is shown only once the ticket is stored (the turn's
transaction commits before any reply leaves). The same flow name carries the one-text follow-ups
of ticket_desk (add information, an agent's reply, note or escalation reason).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from bot.handlers.context import Ctx, typed_word
from bot.handlers.events import Choice, ErrorOut
from bot.handlers.flows import ticket_desk as desk
from bot.handlers.flows.ticket_messages import tt
from core.errors import NotFound, ValidationFailed
from core.models import Draft
from core.ticket_models import CATEGORIES, MAX_ATTACHMENTS, MAX_TEXT, MIN_DESCRIPTION
from core.tickets import Attachment, ChatTurn, DraftProblem, Ticket
from core.validation import build_invoice_data, validate_invoice_data

FILING = ("category", "description", "attachments", "confirm")
START_WORDS = ("人工", "转人工", "人工客服", "找人工", "工单", "提交工单", "新工单", "投诉",
               "human", "ticket", "/ticket", "new ticket", "open a ticket", "talk to a human",
               "support ticket")
MINE_WORDS = ("我的工单", "工单进度", "查看工单", "my tickets", "/tickets", "tickets")
QUEUE_WORDS = ("工单队列", "客服队列", "queue", "ticket queue", "/queue")
DONE_WORDS = ("完成", "好了", "没有", "无", "done", "finished", "no", "none", "ticket_files:done")
SUBMIT_WORDS = ("确认", "提交", "确认提交", "是", "submit", "confirm", "yes", "ok")
RECENT_DRAFT = timedelta(days=1)
# "修改 描述", "修改类别", "edit description": what the confirm's edit buttons say, typed.
EDIT_TYPED = re.compile(r"^(?:修改|更改|改|edit|change)\s*[:：]?\s*(?P<field>\S.*)$")
EDIT_FIELDS = {"类别": "category", "分类": "category", "类型": "category", "问题类别": "category",
               "category": "category", "描述": "description", "问题描述": "description",
               "内容": "description", "description": "description"}

# A message whose whole point is "let me talk to a person", as people type it: "能不能转人工",
# "我要找真人客服", "联系客服", "talk to a human please", "how do I reach a real person?". A
# question *about* support ("人工客服几点上班", "客服电话多少", "how do I contact support by
# e-mail") says more than that and stays with the knowledge base.
_PERSON_ZH = r"(?:真人|人工|活人|工作人员|客服人员|客服)(?:客服|服务|坐席)?"
_ASK_ZH = (r"(?:请|麻烦|帮我|我要|我想|我需要|想|要|能不能|能否|可不可以|可以|有没有|能)?"
           r"(?:帮我|给我)?(?:找|转|转接|接|联系|呼叫|叫|换|要|切换到?)?(?:一?个|一下|下)?")
_TAIL_ZH = r"(?:聊聊?|沟通|处理|服务)?(?:一下)?(?:吧|呢|啊|呀|吗|好吗|可以吗|行吗|谢谢)?"
_PERSON_EN = (r"(?:a |an |some |the |your )?(?:real |live |actual )?"
              r"(?:human(?: being)?|person|agent|someone|somebody|representative|operator)")
_SUPPORT_EN = r"(?:(?:the |your )?(?:support|customer service)(?: team| staff| agent)?)"
_ASKS_FOR_PERSON = re.compile("^(?:" + "|".join((
    _ASK_ZH + _PERSON_ZH + _TAIL_ZH,
    r"(?:(?:hi|hello|hey),? )?(?:please )?(?:(?:can|could|may) i (?:please )?"
    r"|i(?: want| need| would like|'d like) to |let me )?(?:talk|speak|chat) (?:to|with) "
    rf"(?:{_PERSON_EN}|{_SUPPORT_EN})(?: please| now)?",
    rf"(?:please )?(?:get|connect|transfer|put) me (?:to |with |through to )?"
    rf"(?:{_PERSON_EN}|{_SUPPORT_EN})(?: please| now)?",
    rf"how (?:do|can|could) i (?:contact|reach|get|talk to|speak to|speak with|talk with) "
    rf"{_PERSON_EN}",
    rf"(?:{_PERSON_EN}|live chat)(?: please| pls| now)?",
)) + ")$")
_TRAILING = re.compile(r"[\s?？!！。.,，~～]+$")
# Asking for a ticket itself ("我要提工单", "I want to file a ticket"), or for a person in the
# first person ("I need a human"); a complaint ("我要投诉") is a ticket of category complaint.
_ASKS_FOR_TICKET = re.compile("^(?:" + "|".join((
    r"(?:我|我们)?(?:要|想|想要|需要|得|请|帮我)?(?:提交?|开|建|新建|创建|填|发)(?:一个|一张|个|张)?"
    r"(?:工单|ticket)(?:吧|谢谢)?",
    r"(?:i (?:want|need|would like|'d like) to |(?:can|could|may) i |please |let me )?"
    r"(?:file|open|submit|create|raise|log|make) (?:a |an )?(?:new )?(?:support )?ticket"
    r"(?: please| now)?",
    rf"i(?: really)? (?:need|want|would like|'d like) (?:{_PERSON_EN}|{_SUPPORT_EN})"
    r"(?: please| now)?",
)) + ")$")
_ASKS_TO_COMPLAIN = re.compile(
    r"^(?:(?:我|我们)?(?:要|想|想要|需要)?(?:投诉|我要投诉)(?:一下)?(?:你们)?"
    r"|(?:i (?:want|need|would like|'d like) to )?(?:make |file |lodge )(?:a )?complaint"
    r"|i (?:want|would like|'d like) to complain|complaint|complain)$")


# A bare noun ("客服", "人工服务", "agent") asks for a person only outside a form: at a form
# step it may be the answer ("人工服务" is a fine line item). These few always interrupt.
_BARE = re.compile(rf"^(?:{_PERSON_ZH}|{_PERSON_EN}|live chat)(?: please| pls| now)?$")
_ALWAYS = ("人工", "转人工", "人工客服", "找人工", "human", "/ticket")


def _folded(text: str) -> str:
    """Case, spaces, curly quotes, traditional script ("轉人工") and closing marks folded."""
    return _TRAILING.sub("", typed_word(" ".join(text.replace("’", "'").split())))


def asks_for_person(text: str, *, mid_form: bool = False) -> bool:
    """Whether a message only asks to be put through to a person (see `_ASKS_FOR_PERSON`);
    `mid_form`: while a form waits for an answer, where a bare noun does not count."""
    folded = _folded(text)
    if len(folded) > 60 or _ASKS_FOR_PERSON.match(folded) is None:
        return folded in _ALWAYS
    return not mid_form or folded in _ALWAYS or _BARE.match(folded) is None


def _typed_category(text: str) -> str | None:
    """The category a pressed button or typed word names: its id or label in either language,
    or a part of one label only ("发票", "登录", "pay", "tech")."""
    chosen = typed_word(text)
    names = {category: {category, *(tt(f"ticket.category.{category}", lang).lower()
                                    for lang in ("zh", "en"))} for category in CATEGORIES}
    exact = [category for category, known in names.items() if chosen in known]
    if exact:
        return exact[0]
    partial = [category for category, known in names.items()
               if len(chosen) >= 2 and any(chosen in name for name in known)]
    return partial[0] if len(partial) == 1 else None


def offer_choice(ctx: Ctx, lang: str | None = None) -> Choice:
    """The button that opens a ticket (for the knowledge base's "I don't know"), labelled in
    `lang` (the reply's) or the person's language."""
    return Choice(id="ticket:new", label=tt("ticket.choice.new", lang or ctx.lang))


class TicketFlow:
    name = "ticket"
    steps: Sequence[str] = (*FILING, *desk.FOLLOW_UPS)
    start_words: Sequence[str] = (*START_WORDS, *MINE_WORDS, *QUEUE_WORDS)
    choice_prefixes = ("ticket_cat", "ticket_confirm", "ticket_edit", "ticket_files")
    # Where free text is the answer itself, never a question for the knowledge base.
    free_text_steps: Sequence[str] = ("description", *desk.FOLLOW_UPS)

    # -- entry ------------------------------------------------------------------------------
    def wants(self, text: str) -> bool:
        """Free text that starts this flow: a person, a ticket or a complaint asked for."""
        folded = _folded(text)
        return (asks_for_person(text) or _ASKS_FOR_TICKET.match(folded) is not None
                or _ASKS_TO_COMPLAIN.match(folded) is not None)

    def interrupts(self, text: str) -> bool:
        """Asking for a person works in the middle of another flow too (its draft is kept)."""
        return asks_for_person(text, mid_form=True)

    def start(self, ctx: Ctx) -> None:
        word = _folded(ctx.text)  # "我的工單" is "我的工单"
        if word in MINE_WORDS:
            desk.list_mine(ctx)
        elif word in QUEUE_WORDS:
            desk.queue(ctx)
        elif _ASKS_TO_COMPLAIN.match(word):
            self.begin(ctx, category="complaint")
        else:
            self.begin(ctx)

    def begin(self, ctx: Ctx, follows: str = "", category: str = "") -> None:
        """Start filing; remember what led here before the flow's own turns pile up.
        `follows`: the closed ticket this one carries on from."""
        state = ctx.state
        history = state.history[:-1] if state.history and state.history[-1]["who"] == "user" \
            else state.history
        draft_id, problems = _draft_context(ctx)
        sub: dict[str, Any] = {
            "transcript": history, "faq_queries": list(state.faq_queries), "draft_id": draft_id,
            "draft_problems": problems, "attachments": [], "follows": follows,
        }
        if category:  # already said: "我要投诉"
            sub["category"] = category
        state.reset_flow()
        state.flow, state.step, state.sub = self.name, "description" if category else "category", sub
        self.ask(ctx)

    def refile(self, ctx: Ctx, closed: Ticket, text: str) -> None:
        """What someone added to a closed ticket, kept: a new ticket that follows it, to confirm."""
        files = [a.model_dump() for a in desk.files_of(ctx)][:MAX_ATTACHMENTS]
        ctx.state.reset_flow()
        ctx.state.flow, ctx.state.step = self.name, "confirm"
        ctx.state.sub = {"transcript": [], "faq_queries": [], "draft_id": None,
                         "draft_problems": [], "attachments": files, "follows": closed.id,
                         "category": closed.category,
                         "description": text.strip() or closed.subject}
        ctx.say(self._t(ctx, "ticket.refile", id=closed.id))
        self.ask(ctx)

    # -- asking -----------------------------------------------------------------------------
    def ask(self, ctx: Ctx) -> None:
        step, sub = ctx.state.step, ctx.state.sub
        if step == "category":
            ctx.say(self._t(ctx, "ticket.ask.category"), [
                Choice(id=f"ticket_cat:{c}", label=self._t(ctx, f"ticket.category.{c}"))
                for c in CATEGORIES])
        elif step == "description":
            ctx.say(self._t(ctx, "ticket.ask.description"), [self._nav(ctx, "back")])
        elif step == "attachments":
            ctx.say(self._t(ctx, "ticket.ask.attachments"), [
                Choice(id="ticket_files:done", label=self._t(ctx, "ticket.choice.done")),
                self._nav(ctx, "back")])
        elif step == "confirm":
            ctx.say(self._t(ctx, "ticket.confirm", category=sub["category"],
                            description=sub["description"][:500],
                            count=len(sub["attachments"]), context=self._context(ctx)), [
                Choice(id="ticket_confirm:submit", label=self._t(ctx, "ticket.choice.submit")),
                Choice(id="ticket_edit:category", label=self._t(ctx, "ticket.choice.edit_category")),
                Choice(id="ticket_edit:description",
                       label=self._t(ctx, "ticket.choice.edit_description")),
                self._nav(ctx, "cancel")])
        elif step in desk.FOLLOW_UPS:
            desk.reprompt_follow_up(ctx)

    def _context(self, ctx: Ctx) -> str:
        sub = ctx.state.sub
        draft = (self._t(ctx, "ticket.context.draft", id=sub["draft_id"],
                         problems=len(sub["draft_problems"])) if sub.get("draft_id") else "")
        turns, queries = len(sub["transcript"]), len(sub["faq_queries"])
        if not (turns or queries or draft):  # nothing goes with it: no line saying "0 and 0"
            return ""
        return self._t(ctx, "ticket.context", turns=turns, queries=queries, draft=draft) + "\n"

    def reprompt(self, ctx: Ctx) -> None:
        self.ask(ctx)

    # -- answering --------------------------------------------------------------------------
    def handle(self, ctx: Ctx, value: str) -> None:
        step = str(ctx.state.step)
        if step in desk.FOLLOW_UPS:
            self._follow_up(ctx, step, value)
            return
        if not ctx.state.sub:  # state from elsewhere (a stale restore): start over
            self.begin(ctx)
            return
        took_files = self._take_files(ctx)
        if took_files and not value.strip() and step != "attachments":
            self.ask(ctx)  # a file alone, early: kept; the step is asked again
            return
        if value.startswith("ticket_edit:"):
            field = value.split(":", 1)[1]
            self._edit(ctx, field if field in ("category", "description") else "confirm")
            return
        {"category": self._category, "description": self._description,
         "attachments": self._attachments, "confirm": self._confirm,
         }.get(step, self._category)(ctx, value, took_files)

    def _category(self, ctx: Ctx, value: str, _files: bool) -> None:
        category = _typed_category(value.removeprefix("ticket_cat:"))
        if category is not None:
            ctx.state.sub["category"] = category
            self._advance(ctx, "description")
            return
        comma = "、" if ctx.lang == "zh" else ", "
        self._error(ctx, "category", "ticket_category_invalid",
                    allowed=comma.join(self._t(ctx, f"ticket.category.{c}") for c in CATEGORIES))
        self.ask(ctx)

    def _description(self, ctx: Ctx, value: str, _files: bool) -> None:
        text = value.strip()
        if len(text) < MIN_DESCRIPTION:
            self._error(ctx, "description", "ticket_description_required", min=MIN_DESCRIPTION)
            self.ask(ctx)
            return
        ctx.state.sub["description"] = text[:MAX_TEXT]
        self._advance(ctx, "attachments")

    def _attachments(self, ctx: Ctx, value: str, took_files: bool) -> None:
        if typed_word(value) in DONE_WORDS:
            self._advance(ctx, "confirm")
            return
        if not took_files:
            ctx.say(self._t(ctx, "ticket.no_files"))
        self.ask(ctx)

    def _confirm(self, ctx: Ctx, value: str, _files: bool) -> None:
        word = typed_word(value)
        labels = {typed_word(tt("ticket.choice.submit", lang)) for lang in ("zh", "en")}
        if value == "ticket_confirm:submit" or word in SUBMIT_WORDS or word in labels:
            self._submit(ctx)
            return
        field = _typed_edit(word)
        if field:
            self._edit(ctx, field)
            return
        self._error(ctx, "confirm", "choose_one")
        self.ask(ctx)

    def _edit(self, ctx: Ctx, field: str) -> None:
        """Back to one field; once it is answered, straight back to the confirm."""
        ctx.state.sub["back_to_confirm"] = True
        ctx.state.step = field
        self.ask(ctx)

    def _advance(self, ctx: Ctx, step: str) -> None:
        sub = ctx.state.sub
        ctx.state.step = "confirm" if sub.pop("back_to_confirm", False) else step
        self.ask(ctx)

    def _take_files(self, ctx: Ctx) -> bool:
        """Files sent at any filing step are the ticket's attachments."""
        problems = desk.unusable_files(ctx)
        if problems:
            self._error(ctx, "attachments", "ticket_file_unusable", files="; ".join(problems))
        files = [a.model_dump() for a in desk.files_of(ctx)]
        if not files:
            return bool(problems)
        held = ctx.state.sub["attachments"]
        room = max(MAX_ATTACHMENTS - len(held), 0)
        taken, refused = files[:room], files[room:]
        held.extend(taken)
        if taken:
            ctx.say(self._t(ctx, "ticket.attached", names=", ".join(f["name"] for f in taken),
                            count=len(held)))
        if refused:  # said, never dropped in silence: the person can pick what matters most
            message = " ".join((self._t(ctx, "ticket_too_many_attachments", max=MAX_ATTACHMENTS),
                                self._t(ctx, "ticket.files_not_kept",
                                        names=", ".join(f["name"] for f in refused))))
            ctx.out.errors.append(ErrorOut(field="attachments",
                                           code="ticket_too_many_attachments", message=message))
            ctx.say("❌ " + message)
        return True

    def _submit(self, ctx: Ctx) -> None:
        sub = ctx.state.sub
        service = desk.ticket_service(ctx.services)
        description = sub["description"]
        if sub.get("follows"):
            description += "\n" + self._t(ctx, "ticket.follows", id=sub["follows"])
        ticket = service.create(
            ctx.actor, category=sub["category"], description=description,
            attachments=[Attachment(**a) for a in sub["attachments"]],
            transcript=[ChatTurn(**turn) for turn in sub["transcript"]],
            faq_queries=sub["faq_queries"], draft_id=sub["draft_id"],
            draft_problems=[DraftProblem(**p) for p in sub["draft_problems"]],
        )
        ctx.state.reset_flow()
        ctx.out.refs["ticket_id"] = ticket.id
        text = self._t(ctx, "ticket.created", id=ticket.id,
                       due=desk.shown(ctx, ticket.clocks["first_response"].due_at))
        starts = service.clock_starts_at(ticket)
        if starts is not None:
            support = ctx.services.settings.support
            text += "\n" + self._t(ctx, "ticket.clock_later", start=f"{support.start:%H:%M}",
                                   end=f"{support.end:%H:%M}", opens=desk.shown(ctx, starts))
        ctx.say(text, [desk.show_choice(ctx, ticket.id)])

    def _follow_up(self, ctx: Ctx, step: str, value: str) -> None:
        ref = str(ctx.state.sub.get("id", ""))
        if not value.strip() and not ctx.inbound.files:
            self.ask(ctx)
            return
        ctx.state.reset_flow()
        desk.follow_up(ctx, step, ref, value)

    # -- navigation -------------------------------------------------------------------------
    def navigate(self, ctx: Ctx, word: str, arg: str) -> None:
        step = str(ctx.state.step)
        if word == "cancel" or (word == "back" and step in desk.FOLLOW_UPS):
            following_up = step in desk.FOLLOW_UPS
            ctx.state.reset_flow()
            ctx.say(self._t(ctx, "ticket.follow_up_cancelled" if following_up
                            else "ticket.cancelled"))
            return
        if word == "back":
            index = FILING.index(step) if step in FILING else 0
            if index == 0:
                ctx.say(ctx.t("nav.no_back"))
            ctx.state.step = FILING[max(index - 1, 0)]
            ctx.state.sub.pop("back_to_confirm", None)
        elif word == "edit" and step in FILING and _typed_edit(f"edit {arg}"):
            self._edit(ctx, _typed_edit(f"edit {arg}"))
            return
        elif word == "skip" and step == "attachments":
            self._advance(ctx, "confirm")
            return
        elif word == "skip":
            self._error(ctx, step, "skip_not_allowed")
        elif word == "save":
            ctx.say(self._t(ctx, "ticket.no_save"))
        elif word == "help":
            ctx.say(self._t(ctx, "ticket.help", step=self._t(ctx, f"ticket.step.{step}")))
        self.ask(ctx)

    # -- helpers ----------------------------------------------------------------------------
    @staticmethod
    def _t(ctx: Ctx, key: str, **params: object) -> str:
        return tt(key, ctx.lang, **params)

    @staticmethod
    def _nav(ctx: Ctx, word: str) -> Choice:
        return Choice(id=f"nav:{word}", label=ctx.t(f"nav.{word}"))

    def _error(self, ctx: Ctx, field: str, code: str, **params: object) -> None:
        message = self._t(ctx, code, **params)
        ctx.out.errors.append(ErrorOut(field=field, code=code, message=message))
        ctx.say("❌ " + message)


def _typed_edit(word: str) -> str:
    """The field a typed "修改 描述" / "edit category" names (else "")."""
    match = EDIT_TYPED.match(word.strip())
    return EDIT_FIELDS.get(match["field"].strip(), "") if match else ""


def _draft_context(ctx: Ctx) -> tuple[str | None, list[dict[str, str]]]:
    """The invoice draft the person was just filling in, and what is still wrong with it."""
    issuance = ctx.services.issuance
    draft: Draft | None = None
    if ctx.state.draft_id:
        try:
            draft = issuance.get_draft(ctx.state.draft_id, ctx.actor)
        except NotFound:
            draft = None
    if draft is None:
        recent = [d for d in issuance.open_drafts(ctx.actor)
                  if ctx.services.clock() - d.updated_at < RECENT_DRAFT]
        draft = recent[-1] if recent else None
    if draft is None:
        return None, []
    try:
        issues = [i for i in validate_invoice_data(build_invoice_data(draft),
                                                   ctx.services.settings) if i.is_error]
    except ValidationFailed as failed:
        issues = failed.issues
    return draft.id, [{"field": i.field, "code": i.code, "message": i.message(ctx.lang)}
                      for i in issues[:20]]


def on_choice(ctx: Ctx, rest: str) -> None:
    """Buttons "ticket:ACTION[:ID[:ARG]]", wherever the person is."""
    action, _, tail = rest.partition(":")
    ref, _, arg = tail.partition(":")
    if action == "new":
        TicketFlow().begin(ctx, follows=ref)
    elif action == "complaint":  # "提交投诉工单": the category is already said
        TicketFlow().begin(ctx, category="complaint")
    elif action == "list":
        desk.list_mine(ctx)
    elif action == "queue":
        desk.queue(ctx)
    elif action == "add":
        desk.ask_follow_up(ctx, "add_info", ref)
    elif action in ("reply", "note"):
        desk.ask_follow_up(ctx, action, ref)
    elif action == "escalate":
        desk.ask_follow_up(ctx, "reason", ref)
    elif action in ("claim", "assign", "priority", "pending", "solve", "reopen"):
        desk.act(ctx, action, ref, arg)
    else:
        desk.show(ctx, ref)
