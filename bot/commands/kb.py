"""`sifbot ask` and `sifbot kb check/confusions/gaps/feedback`: the knowledge base from the shell."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from knowledge.kb import KBLoadError

PACKAGE_KB = Path(__file__).resolve().parents[2] / "knowledge" / "faq"


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    ask = subparsers.add_parser("ask", parents=[common], help="one knowledge-base lookup")
    ask.add_argument("question", help='the question, or "-" to read one question a line from stdin')
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--top", type=_count, default=3, help="how many suggestions at most")
    ask.set_defaults(func=run_ask)

    kb = subparsers.add_parser("kb", help="knowledge-base maintenance")
    actions = kb.add_subparsers(dest="action", required=True, parser_class=type(kb))
    check = actions.add_parser("check", parents=[common], help="lint the knowledge base")
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=run_check)
    confusions = actions.add_parser(
        "confusions", parents=[common],
        help="cross-validate the phrasings: entries people ask about in the same words")
    confusions.add_argument("--limit", type=_count, default=20, help="pairs to list")
    confusions.add_argument("--json", action="store_true")
    confusions.set_defaults(func=run_confusions)
    gaps = actions.add_parser("gaps", parents=[common], help="most frequent unanswered questions")
    gaps.add_argument("--limit", type=_count, default=20)
    gaps.add_argument("--json", action="store_true")
    gaps.set_defaults(func=run_gaps)
    feedback = actions.add_parser(
        "feedback", parents=[common],
        help="record whether an answer helped (ENTRY VERDICT), or, with neither, list what "
             "people said: the entries that helped least first")
    feedback.add_argument("entry_id", nargs="?")
    feedback.add_argument("verdict", nargs="?", choices=("helpful", "not-helpful"))
    feedback.add_argument("--limit", type=_count, default=20, help="entries to list")
    feedback.add_argument("--json", action="store_true")
    feedback.set_defaults(func=run_feedback)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text}")
    return value


def kb_folder(args: argparse.Namespace) -> Path:
    return Path(args.kb) if args.kb else PACKAGE_KB


def db_file(args: argparse.Namespace) -> Path:
    return Path(args.db or os.environ.get("SIFBOT_DB") or "sifbot.db")


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def _knowledge_base(args: argparse.Namespace) -> Any:
    from core.clock import system_clock
    from knowledge.questions_log import SqliteQuestionLog
    from knowledge.service import KnowledgeBase

    return KnowledgeBase(kb_folder(args), log=SqliteQuestionLog(db_file(args)), now=system_clock)


def run_ask(args: argparse.Namespace) -> int:
    from bot.bootstrap import load
    from bot.handlers.services import contact_placeholders
    from knowledge.normalize import detect_lang

    try:
        kb = _knowledge_base(args)
        settings = load(args.config)
    except KBLoadError as exc:
        return _fail(f"sifbot ask: {exc}")
    questions = sys.stdin if args.question == "-" else [args.question]
    for raw in questions:
        question = raw.strip()
        if not question:
            continue
        contacts = contact_placeholders(settings, detect_lang(question, default=args.lang))
        result = kb.ask(question, args.lang, top=args.top, placeholders=contacts)
        if args.json:
            print(json.dumps(result.model_dump(), ensure_ascii=False), flush=True)
        else:
            print(_as_text(result, args.lang), flush=True)
    return 0


def _as_text(result: Any, lang: str) -> str:
    lines = [result.answer]
    if result.decision in ("answer", "not_in_guide") and result.suggestions:
        lines.append("See also:" if lang == "en" else "相关问题：")
        lines += [f"  - {s.question}" for s in result.suggestions]
    if len(lines) > 1 or result.decision == "clarify":
        lines.append("")
    return "\n".join(lines)


def run_check(args: argparse.Namespace) -> int:
    from knowledge.check import check_kb

    problems = check_kb(kb_folder(args))
    if args.json:
        print(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            print(str(problem))
        errors = sum(p.severity == "error" for p in problems)
        print(f"{errors} error(s), {len(problems) - errors} warning(s)", file=sys.stderr)
    return 1 if any(p.severity == "error" for p in problems) else 0


def run_confusions(args: argparse.Namespace) -> int:
    from knowledge.crossval import cross_validate
    from knowledge.kb import load_folder

    try:
        entries = load_folder(kb_folder(args))
    except KBLoadError as exc:
        return _fail(f"sifbot kb confusions: {exc}")
    result = cross_validate(entries)
    pairs = result.confusions[:args.limit]
    if args.json:
        print(json.dumps({
            "asked": result.asked, "right": result.right, "wrong": result.wrong,
            "unsure": result.unsure, "first_ranked": result.first_ranked,
            "confusions": [{"entries": [c.first, c.second], "lost": c.count} for c in pairs],
        }, ensure_ascii=False, indent=2))
        return 0
    print(result.line())
    for confusion in pairs:
        print(f"{confusion.count:5}  {confusion.first}  <->  {confusion.second}")
    return 0


def run_gaps(args: argparse.Namespace) -> int:
    from knowledge.questions_log import SqliteQuestionLog

    gaps = SqliteQuestionLog(db_file(args)).gaps(args.limit)
    if args.json:
        rows = [{"normalized": g.normalized, "count": g.count, "example": g.example,
                 "last_asked": g.last_asked, "best_entry_id": g.best_entry_id} for g in gaps]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not gaps:
        print("no unanswered questions yet" if args.lang == "en" else "还没有未回答的问题")
    for gap in gaps:
        closest = f"  (closest: {gap.best_entry_id})" if gap.best_entry_id else ""
        print(f"{gap.count:5}  {gap.example}{closest}")
    return 0


def run_feedback(args: argparse.Namespace) -> int:
    if args.entry_id is None:
        return _report_feedback(args)
    if args.verdict is None:
        print("sifbot kb feedback: give the verdict too (helpful or not-helpful)", file=sys.stderr)
        return 2
    try:
        kb = _knowledge_base(args)
    except KBLoadError as exc:
        return _fail(f"sifbot kb feedback: {exc}")
    try:
        kb.feedback(args.entry_id, args.verdict == "helpful")
    except KeyError:
        print(f"sifbot kb feedback: no entry with id {args.entry_id!r}", file=sys.stderr)
        return 2
    print("thanks, recorded" if args.lang == "en" else "已记录，谢谢")
    return 0


def _report_feedback(args: argparse.Namespace) -> int:
    from knowledge.questions_log import SqliteQuestionLog

    ratings = SqliteQuestionLog(db_file(args)).ratings(args.limit)
    if args.json:
        print(json.dumps([{"entry_id": r.entry_id, "helpful": r.helpful,
                           "not_helpful": r.not_helpful,
                           "unhelpful_questions": r.unhelpful_questions} for r in ratings],
                         ensure_ascii=False, indent=2))
        return 0
    if not ratings:
        print("no feedback yet" if args.lang == "en" else "还没有反馈")
    for rating in ratings:
        print(f"👎 {rating.not_helpful:4}  👍 {rating.helpful:4}  {rating.entry_id}")
        for question in rating.unhelpful_questions:
            print(f"            {question}")
    return 0
