"""`sifbot kb check`: the mistakes an operator can make in the YAML files, before the bot loads them.

Errors block (the CLI exits 1); warnings inform. What is checked: schema and YAML, duplicate
ids, the same question (after normalisation) in two entries, `related` ids that do not exist,
placeholders nobody fills, "see also" links to not-in-guide entries, an answer missing in zh
or en, an entry's canonical question that another entry wins (shadowed: an error; other
phrasings won elsewhere: warnings), answers over ~300 characters, entries with no English
phrasing, and dict/topics.txt offering an entry that does not exist or does not answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from knowledge.kb import Entry, LoadProblem, ParsedKB, parse_folder
from knowledge.matcher import default_analyzer
from knowledge.normalize import detect_lang, normalize

Severity = Literal["error", "warning"]
MAX_ANSWER_CHARS = 300
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Problem:
    severity: Severity
    code: str
    file: str
    entry_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry_id}" if self.entry_id else self.file
        return f"{self.severity}: {where}: {self.message} [{self.code}]"

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


def check_kb(folder: Path, topics: Mapping[str, tuple[str, ...]] | None = None) -> list[Problem]:
    """Every problem found in the knowledge-base folder, errors first (`topics`: the broad
    words' opening entries, dict/topics.txt unless given)."""
    parsed = parse_folder(folder)
    problems = [_from_load(p) for p in parsed.problems]
    for check in (_answers, _related, _duplicate_questions, _languages):
        problems.extend(check(parsed))
    problems.extend(_topics(parsed, default_analyzer().topics if topics is None else topics))
    if parsed.entries:
        problems.extend(_shadowed(parsed))
    return sorted(problems, key=lambda p: (p.severity != "error", p.file, p.entry_id or ""))


def _from_load(problem: LoadProblem) -> Problem:
    if problem.reason.startswith("duplicate id"):
        code = "duplicate_id"
    elif problem.entry_id is None:
        code = "file"
    else:
        code = "schema"
    return Problem("error", code, problem.file, problem.entry_id, problem.reason)


def _entries(parsed: ParsedKB) -> Iterator[tuple[str, Entry]]:
    for entry in parsed.entries:
        yield parsed.sources[entry.id], entry


def _answers(parsed: ParsedKB) -> Iterator[Problem]:
    from knowledge.service import KNOWN_PLACEHOLDERS

    for file, entry in _entries(parsed):
        for lang in ("zh", "en"):
            text = getattr(entry.answer, lang)
            if not text:
                yield Problem("error", "missing_answer", file, entry.id, f"answer.{lang} is empty")
            elif len(text) > MAX_ANSWER_CHARS:
                yield Problem("warning", "long_answer", file, entry.id,
                              f"answer.{lang} has {len(text)} characters (keep it under "
                              f"~{MAX_ANSWER_CHARS}: a chat message, not a section)")
            for name in _PLACEHOLDER.findall(text):
                if name not in KNOWN_PLACEHOLDERS:
                    yield Problem("error", "unknown_placeholder", file, entry.id,
                                  f"answer.{lang} uses {{{name}}}; known: "
                                  + ", ".join(f"{{{k}}}" for k in KNOWN_PLACEHOLDERS))


def _related(parsed: ParsedKB) -> Iterator[Problem]:
    kinds = {entry.id: entry.kind for entry in parsed.entries}
    for file, entry in _entries(parsed):
        for other in entry.related:
            if other == entry.id:
                yield Problem("warning", "related_self", file, entry.id, "lists itself in related")
            elif other not in kinds:
                yield Problem("error", "related_missing", file, entry.id,
                              f"related id {other!r} does not exist")
            elif kinds[other] == "not-in-guide":
                yield Problem("warning", "related_not_in_guide", file, entry.id,
                              f"related id {other!r} is a not-in-guide entry: a \"see also\" "
                              "button that only says the guide does not know")


def _topics(parsed: ParsedKB, topics: Mapping[str, tuple[str, ...]]) -> Iterator[Problem]:
    """dict/topics.txt names entries that must exist and answer; a file that names none of
    this folder's entries was written for another knowledge base and is not checked."""
    kinds = {entry.id: entry.kind for entry in parsed.entries}
    if not any(entry_id in kinds for ids in topics.values() for entry_id in ids):
        return
    for word, ids in topics.items():
        for entry_id in ids:
            if kinds.get(entry_id) != "answer":
                why = "does not exist" if entry_id not in kinds else "is a not-in-guide entry"
                yield Problem("error", "topic_entry", "topics.txt", entry_id,
                              f"the topic {word!r} offers {entry_id!r}, which {why}")


def _duplicate_questions(parsed: ParsedKB) -> Iterator[Problem]:
    seen: dict[str, tuple[str, str]] = {}  # normalised question -> (entry id, as written)
    for file, entry in _entries(parsed):
        own: set[str] = set()
        for question in entry.questions:
            key = normalize(question).replace(" ", "") or question
            if key in own:
                yield Problem("warning", "duplicate_question", file, entry.id,
                              f"question {question!r} is listed twice")
                continue
            own.add(key)
            if key in seen:
                other, written = seen[key]
                yield Problem("error", "conflicting_question", file, entry.id,
                              f"question {question!r} is also in {other} ({written!r})")
            else:
                seen[key] = (entry.id, question)


def _languages(parsed: ParsedKB) -> Iterator[Problem]:
    for file, entry in _entries(parsed):
        langs = {detect_lang(q, default="zh") for q in entry.questions}
        for lang in ("zh", "en"):
            if lang not in langs:
                yield Problem("warning", f"no_{lang}_question", file, entry.id,
                              f"no question written in {lang}: people asking in {lang} will "
                              "rarely reach this entry")


def _shadowed(parsed: ParsedKB) -> Iterator[Problem]:
    """An entry's own phrasing, asked as a question, is won by another entry."""
    from knowledge.matcher import Matcher

    matcher = Matcher(parsed.entries)
    for file, entry in _entries(parsed):
        for position, question in enumerate(entry.questions):
            best = matcher.rank(question, limit=1)
            winner = matcher.entries[best[0].index] if best else entry
            if winner.id == entry.id:
                continue
            canonical = position == 0
            yield Problem("error" if canonical else "warning", "shadowed", file, entry.id,
                          f"{'canonical ' if canonical else ''}question {question!r} "
                          f"is answered by {winner.id}")
