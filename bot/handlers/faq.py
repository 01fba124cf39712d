"""Free text answered from the knowledge base: answer, "did you mean", or an honest decline."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.handlers.context import Ctx, typed_word
from bot.handlers.events import Choice
from bot.handlers.flows.ticket import offer_choice
from bot.handlers.messages import t
from core.i18n import Lang

if TYPE_CHECKING:
    from knowledge.service import Suggestion

QUESTION = re.compile(
    r"[?？]|怎么|怎样|如何|什么|啥|为什么|为何|吗|嘛|么$|能不能|可不可以|可以.*[吗么]|多久|多少|哪|是否|"
    r"要不要|需不需要|行不行|\b(how|what|why|when|where|which|can i|can we|do i|do we|is it|"
    r"should|could)\b",
    re.IGNORECASE,
)


def looks_like_question(text: str) -> bool:
    return bool(QUESTION.search(text))


# Where one message asks a second question: after a question mark, or at 另外/还有/顺便问 …
# opening a clause ("电子发票怎么下载，另外抬头写错了怎么办"), or ". And …" in English.
_NEXT_QUESTION = re.compile(
    r"(?:(?<=[？?])|[，,。.])\s*(?:另外|还有就是|还有|还想问一下|还想问|顺便问一下|顺便问|此外|"
    r"再问一下|再问个)[，,：:]?\s*|(?<=[？?])\s*|[；;]\s*|(?<=[.?])\s+(?:and|also|and also)[,:]?\s+",
    re.IGNORECASE,
)
MAX_PARTS = 3  # more "questions" than this is a story told in several sentences
MIN_PART_MASS = 1.0  # a part weighing less ("怎么办？") belongs to the part before it


def question_parts(text: str) -> list[str]:
    """The separate questions one message asks ("专票怎么开？红冲怎么弄？" -> two), or [text]."""
    parts = [p.strip(" ，,。.；;") for p in _NEXT_QUESTION.split(text.strip())]
    parts = [p for p in parts if len(p) >= 4]
    if not 2 <= len(parts) <= MAX_PARTS or not all(looks_like_question(p) for p in parts):
        return [text]
    return parts


FOLLOW_UP_WITHIN = timedelta(minutes=30)
# Typed "that did not help" after an answer: the same as pressing 👎 under it.
NOT_HELPFUL = re.compile(
    r"^(?:啊|嗯|呃|no|nope)?[\s,，]*(?:不对|不是|不是这个|不是这个意思|没用|没有用|没帮助|没帮上|答非所问|"
    r"我问的不是这个|不是我要的|不是我问的|错了|说错了|wrong|not helpful|that'?s wrong|that is wrong|"
    r"not what i asked|that'?s not it|that'?s not what i asked|useless)[\s!！。.?？]*$",
    re.IGNORECASE,
)
# Typed "that helped" (or the thumb itself) after an answer: the same as pressing 👍 under it.
HELPFUL = re.compile(
    r"^(?:👍|👌|有用|有帮助|帮到了|解决了|好的?[,，]?有用|helpful|that helped|this helped|"
    r"that'?s it|perfect|solved)[\s!！。.👍]*$",
    re.IGNORECASE,
)

# An entry tagged so explains how to request an invoice: this conversation can do it with the
# person, so its answer carries the button that starts the form.
OFFER_INVOICE_TAG = "offer-invoice"


class FaqResponder:
    def answer(self, ctx: Ctx, text: str) -> None:
        kb = ctx.services.kb
        if kb is None:
            ctx.say(ctx.t("faq.unavailable"))
            return
        from knowledge.service import chitchat_kind

        verdict = typed_word(text)  # "不對" is "不对"
        if NOT_HELPFUL.match(verdict):  # "不对" under an answer: 👎, and what else is near
            shown = ctx.state.faq_context_entry if self._fresh(ctx) else ""
            if shown:
                feedback(ctx, f"down:{shown}")
            else:
                ctx.say(t("faq.not_helpful_reply", _reply_lang(ctx, text)),
                        [offer_choice(ctx, _reply_lang(ctx, text))])
            return
        if HELPFUL.match(verdict) and ctx.state.faq_context_entry and self._fresh(ctx):
            feedback(ctx, f"up:{ctx.state.faq_context_entry}")  # "👍" typed under an answer
            return
        if chitchat_kind(text) == "abilities" and ctx.state.flow is None:  # "你能做什么"
            from bot.handlers import idle_help

            idle_help.show(ctx, "help")  # what this person's role can do, with its buttons
            return
        lang = _reply_lang(ctx, text)  # the reply, buttons included, is in the question's
        contacts = ctx.services.placeholders(lang)
        if self._several(ctx, text, lang, contacts):
            return
        context, answered_before = self._context(ctx), ctx.state.faq_context_entry
        ctx.state.faq_queries = [*ctx.state.faq_queries, text[:200]][-10:]
        ctx.state.faq_context, ctx.state.faq_context_entry = text[:200], ""
        result = kb.ask(text, ctx.lang, placeholders=contacts, record=not context)
        if result.decision != "answer" and context:  # "那电子发票呢？" after a question
            from knowledge.followup import follow_up_core, rewrite

            read = rewrite(context, follow_up_core(text) or "")
            followed = kb.ask(read, ctx.lang, placeholders=contacts, record=False)
            # The same answer again means the sibling changed nothing the knowledge base
            # tells apart (纸质 -> 电子 found the paper steps again): no reading, then.
            if (followed.decision == "answer" and followed.entry_id
                    and followed.entry_id != answered_before):
                ctx.state.faq_context = read
                read_as = _question(kb.entry(followed.entry_id), lang)
                self._say_answer(ctx, followed.entry_id,
                                 t("faq.follow_up", lang, question=read_as) + "\n"
                                 + followed.answer, followed.related, lang)
                return
            result = kb.ask(text, ctx.lang, placeholders=contacts)  # logged as a gap now
        if result.decision == "answer":
            self._say_answer(ctx, result.entry_id, result.answer, result.related, lang)
        elif result.decision in ("clarify", "not_in_guide"):  # what is near, and a person
            near = _suggestion_choices(ctx, result.suggestions, lang)
            if result.decision == "clarify":  # its text lists them as 1, 2, 3: "2" picks one
                ctx.say_numbered(result.answer, near, [offer_choice(ctx, lang)])
            else:  # a contact it names that is not set: the ticket that works instead
                ctx.say(result.answer, [*near, *instead_of_contacts(ctx, result.unset_contacts,
                                                                    lang, always=True)])
        elif result.decision == "chitchat":
            ctx.say(result.answer)
        else:
            ctx.say(result.answer, [offer_choice(ctx, lang),
                                    Choice(id="start:invoice", label=t("faq.offer_invoice", lang))])

    def _several(self, ctx: Ctx, text: str, lang: str, contacts: dict[str, str]) -> bool:
        """Two or three questions in one message, each answered in turn (the ones the knowledge
        base is unsure of are named, to be asked on their own). False when the message asks
        one thing, or nothing of it is answered: then it is looked up whole."""
        kb = ctx.services.kb
        if kb is None:
            return False
        parts: list[str] = []
        for part in question_parts(text):  # "…写错了？怎么办？": 怎么办 says nothing on its own
            if parts and kb.matcher.question_mass(part) < MIN_PART_MASS:
                parts[-1] = f"{parts[-1]} {part}"
            else:
                parts.append(part)
        if len(parts) < 2 or kb.matcher.question_mass(parts[0]) < MIN_PART_MASS:
            return False
        results = [kb.ask(part, ctx.lang, placeholders=contacts, record=False) for part in parts]
        if not any(r.decision == "answer" for r in results):
            return False
        ctx.state.faq_queries = [*ctx.state.faq_queries, text[:200]][-10:]
        shown: set[str] = set()
        for part, result in zip(parts, results, strict=True):
            if result.decision != "answer" or not result.entry_id:
                kb.ask(part, ctx.lang, placeholders=contacts)  # logged as a gap, on its own
                ctx.say(t("faq.part_unsure", lang, part=part[:60]))
            elif result.entry_id not in shown:
                shown.add(result.entry_id)
                ctx.state.faq_context = part[:200]
                self._say_answer(ctx, result.entry_id,
                                 t("faq.part", lang, part=part[:60]) + "\n" + result.answer,
                                 result.related, lang)
        return True

    def _context(self, ctx: Ctx) -> str:
        """The question a follow-up leans on, or "": only for a message that reads as a
        follow-up, and only within FOLLOW_UP_WITHIN of the last turn."""
        from knowledge.followup import follow_up_core

        previous = ctx.state.faq_context
        if not previous or follow_up_core(ctx.text) is None:
            return ""
        return previous if self._fresh(ctx) else ""

    def _fresh(self, ctx: Ctx) -> bool:
        """Whether the last turn was recent enough for this message to lean on it."""
        at = ctx.state.updated_at
        return at is not None and ctx.services.clock() - at <= FOLLOW_UP_WITHIN

    def _say_answer(self, ctx: Ctx, entry_id: str, answer: str, related: list[str],
                    lang: str) -> None:
        kb = ctx.services.kb
        ctx.state.faq_context_entry = entry_id  # what "不对" or a follow-up refers to
        choices = []
        shown = kb.entry(entry_id)
        if shown is not None and OFFER_INVOICE_TAG in shown.tags:
            choices.append(Choice(id="start:invoice", label=t("faq.start_here", lang)))
        if shown is not None:  # "send it to （…尚未配置）": the ticket that works instead
            from knowledge.service import unset_contacts

            values = ctx.services.placeholders("en" if lang == "en" else "zh")
            unset = unset_contacts(shown.answer.text(lang), values)
            choices += instead_of_contacts(ctx, unset, lang)
        for other in related[:3]:
            entry = kb.entry(other)
            if entry is not None:
                choices.append(Choice(id=_entry_choice(ctx, other, lang),
                                      label=_question(entry, lang)[:60]))
        choices += [Choice(id=f"faq_fb:up:{entry_id}", label=t("faq.helpful", lang)),
                    Choice(id=f"faq_fb:down:{entry_id}", label=t("faq.not_helpful", lang))]
        ctx.say(answer, choices)

    def answers_mid_form(self, ctx: Ctx, text: str) -> bool:
        """Whether a message typed at a form step is for the knowledge base rather than the
        form: small talk ("谢谢"), or a question it answers or knows the guide leaves open.
        Anything less sure goes to the form, which says what it expects."""
        kb = ctx.services.kb
        if kb is None:
            return False
        from knowledge.service import chitchat_kind

        if chitchat_kind(text):  # words only: an emoji or "？" is a wrong answer to the step
            return _WORD.search(text) is not None
        if not looks_like_question(text):
            return False
        contacts = ctx.services.placeholders(_reply_lang(ctx, text))
        result = kb.ask(text, ctx.lang, placeholders=contacts)
        return result.decision in ("answer", "not_in_guide")


_WORD = re.compile(r"\w")


def _reply_lang(ctx: Ctx, question: str) -> Lang:
    """The knowledge base replies in the language the question is written in."""
    from knowledge.normalize import detect_lang

    return "en" if detect_lang(question, default=ctx.lang) == "en" else "zh"


def _question(entry: object, lang: str) -> str:
    from knowledge.service import question_in

    return str(question_in(entry, lang))  # type: ignore[arg-type]


def instead_of_contacts(ctx: Ctx, unset: Sequence[str], lang: str,
                        always: bool = False) -> list[Choice]:
    """What works when an answer names a contact the operator has not set: a complaint ticket
    for the complaints e-mail, a ticket for any other (`always`: a ticket even when all is set)."""
    if "complaint_email" in unset:
        return [Choice(id="ticket:complaint", label=t("faq.file_complaint", lang))]
    return [offer_choice(ctx, lang)] if unset or always else []


def _suggestion_choices(ctx: Ctx, suggestions: Sequence[Suggestion], lang: str) -> list[Choice]:
    """A button per "did you mean" suggestion, labelled with its question."""
    return [Choice(id=_entry_choice(ctx, s.entry_id, lang), label=s.question[:60])
            for s in suggestions]


def _entry_choice(ctx: Ctx, entry_id: str, lang: str) -> str:
    """The id of a button that shows an entry; "@en" when the reply it sits under is not in
    the person's own language, so pressing it answers in the language the question was in."""
    return f"faq:{entry_id}" if lang == ctx.lang else f"faq:{entry_id}@{lang}"


def show_entry(ctx: Ctx, rest: str) -> None:
    """A "see also" or "did you mean" button: that entry's answer."""
    entry_id, _, asked_in = rest.partition("@")
    lang: Lang = "en" if asked_in == "en" else "zh" if asked_in == "zh" else ctx.lang
    kb = ctx.services.kb
    entry = kb.entry(entry_id) if kb is not None else None
    if entry is None:
        ctx.say(ctx.t("input.stale_choice"))
        return
    from knowledge.service import fill_placeholders

    text = fill_placeholders(entry.answer.text(lang), ctx.services.placeholders(lang))
    FaqResponder()._say_answer(ctx, entry.id, text, list(entry.related), lang)


def feedback(ctx: Ctx, rest: str) -> None:
    verdict, _, entry_id = rest.partition(":")
    kb = ctx.services.kb
    if kb is None:
        return
    question = ctx.state.faq_queries[-1] if ctx.state.faq_queries else None
    try:
        kb.feedback(entry_id, verdict == "up", question=question)
    except KeyError:
        ctx.say(ctx.t("input.stale_choice"))
        return
    if verdict == "up" or not question:
        ctx.say(ctx.t("faq.thanks_feedback"))
        return
    # Not helpful: what else the question was near, a number or a press away, and a person.
    lang = _reply_lang(ctx, question)
    asked = kb.ask(question, ctx.lang, top=4, record=False)
    near = [s for s in asked.suggestions if s.entry_id != entry_id][:3]
    if not near:
        ctx.say(t("faq.not_helpful_reply", lang), [offer_choice(ctx, lang)])
        return
    from knowledge.service import numbered_list

    ctx.say_numbered(t("faq.not_helpful_near", lang, choices=numbered_list(near)),
                     _suggestion_choices(ctx, near, lang), [offer_choice(ctx, lang)])
