"""Knowledge-base entries and the YAML files that hold them (interfaces.md, kb-authoring.md)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

logger = logging.getLogger(__name__)

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Answer(BaseModel):
    """The entry's short answer in both languages (an empty one is reported by `kb check`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: str = ""
    en: str = ""

    @field_validator("zh", "en", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    def text(self, lang: str) -> str:
        """The answer in `lang`, else in the other language."""
        first, second = (self.en, self.zh) if lang == "en" else (self.zh, self.en)
        return first or second


EntryKind = Literal["answer", "not-in-guide"]


class Entry(BaseModel):
    """One question people really have, the ways they ask it, and its answer.

    `kind: not-in-guide` marks a question near the product that the guide leaves open (a fee,
    an exact limit, an address): its answer says what is not known and who can tell, and the
    bot replies with it as "I don't know" (`answered: false`) instead of lending a neighbouring
    entry's answer to a question it does not answer.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    kind: EntryKind = "answer"
    questions: list[str] = Field(min_length=1)
    answer: Answer
    tags: list[str] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)
    section: int | None = Field(default=None, ge=1)

    @field_validator("questions")
    @classmethod
    def _questions_not_blank(cls, questions: list[str]) -> list[str]:
        stripped = [q.strip() for q in questions]
        if any(not q for q in stripped):
            raise ValueError("a question is empty")
        return stripped

    @property
    def canonical(self) -> str:
        return self.questions[0]


@dataclass(frozen=True)
class LoadProblem:
    """A reason an entry (or a whole file) cannot be loaded."""

    file: str
    entry_id: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry_id}" if self.entry_id else self.file
        return f"{where}: {self.reason}"


@dataclass
class ParsedKB:
    """Every entry that parsed, where it came from, and what did not parse."""

    entries: list[Entry] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # entry id -> file name
    problems: list[LoadProblem] = field(default_factory=list)


class KBLoadError(Exception):
    """The knowledge base cannot be used as it is; `problems` says where and why."""

    def __init__(self, problems: list[LoadProblem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"knowledge base has {len(problems)} problem(s): {shown}{more}")


def yaml_files(folder: Path) -> list[Path]:
    """The knowledge-base files of a folder, in name order."""
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "entry"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def _raw_entries(path: Path) -> tuple[list[Any], LoadProblem | None]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError) as exc:
        return [], LoadProblem(path.name, None, f"cannot read: {exc}")
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        return [], LoadProblem(path.name, None, f"not valid YAML: {reason}")
    if data is None:
        return [], None
    if not isinstance(data, list):
        return [], LoadProblem(path.name, None, "must be a list of entries")
    return data, None


def _parse_entry(raw: Any, file: str, position: int) -> Entry | LoadProblem:
    label = f"entry #{position}"
    if not isinstance(raw, dict):
        return LoadProblem(file, label, "an entry must be a mapping with id, questions, answer")
    if isinstance(raw.get("id"), str):
        label = raw["id"]
    try:
        return Entry.model_validate(raw)
    except ValidationError as exc:
        return LoadProblem(file, label, _describe(exc))


def parse_folder(folder: Path) -> ParsedKB:
    """Read every *.yaml of `folder`, keeping going past broken entries (for `kb check`)."""
    parsed = ParsedKB()
    if not folder.is_dir():
        parsed.problems.append(LoadProblem(str(folder), None, "knowledge-base folder not found"))
        return parsed
    for path in yaml_files(folder):
        raws, problem = _raw_entries(path)
        if problem:
            parsed.problems.append(problem)
        for position, raw in enumerate(raws, start=1):
            result = _parse_entry(raw, path.name, position)
            if isinstance(result, LoadProblem):
                parsed.problems.append(result)
            elif result.id in parsed.sources:
                first = parsed.sources[result.id]
                reason = f"duplicate id (first defined in {first})"
                parsed.problems.append(LoadProblem(path.name, result.id, reason))
            else:
                parsed.entries.append(result)
                parsed.sources[result.id] = path.name
    return parsed


def load_folder(folder: Path) -> list[Entry]:
    """All entries of `folder`; raises KBLoadError naming file, entry and reason if any is bad."""
    parsed = parse_folder(folder)
    if parsed.problems:
        raise KBLoadError(parsed.problems)
    if not parsed.entries:
        raise KBLoadError([LoadProblem(str(folder), None, "no entries found")])
    logger.debug("loaded %d entries from %s", len(parsed.entries), folder)
    return parsed.entries
