"""Neutral inbound events and replies: what every front end translates to and from."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from core.i18n import Lang
from core.settings import Role


class FileRef(BaseModel):
    """A file the person sent: where it is stored locally, and what they called it."""

    path: str
    name: str = ""
    mime: str = ""


class Inbound(BaseModel):
    platform: str = "console"
    user: str = "local"  # platform-local id; the engine keys state by platform and user
    role: Role = "customer"
    lang: Lang = "zh"
    text: str | None = None
    choice: str | None = None  # the id of a pressed button
    files: list[FileRef] = Field(default_factory=list)

    @property
    def user_key(self) -> str:
        return f"{self.platform}:{self.user}"


class Choice(BaseModel):
    id: str
    label: str


class Reply(BaseModel):
    text: str
    choices: list[Choice] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)


class ErrorOut(BaseModel):
    field: str
    code: str
    message: str
    fix: str | None = None


class Outcome(BaseModel):
    """Everything one inbound event produced (the JSONL protocol's output object)."""

    replies: list[Reply] = Field(default_factory=list)
    flow: str | None = None
    step: str | None = None
    errors: list[ErrorOut] = Field(default_factory=list)
    warnings: list[ErrorOut] = Field(default_factory=list)
    refs: dict[str, Any] = Field(
        default_factory=lambda: {"draft_id": None, "invoice_id": None, "ticket_id": None}
    )

    def protocol_dict(self) -> dict[str, Any]:
        out = self.model_dump(exclude={"warnings"})
        if self.warnings:
            out["warnings"] = [w.model_dump() for w in self.warnings]
        return out
