"""Typed errors of the core, each with a stable code and zh/en messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, Field

from core.i18n import render
from core.messages import MESSAGES

Severity = Literal["error", "warning"]


class Issue(BaseModel):
    """One finding of a rule about one field: an error blocks, a warning informs."""

    field: str
    code: str
    severity: Severity = "error"
    params: dict[str, str] = Field(default_factory=dict)
    fix: str | None = None  # a value the person can accept with one tap

    def message(self, lang: str) -> str:
        return render(MESSAGES, self.code, lang, self.params)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def errors_only(issues: list[Issue]) -> list[Issue]:
    return [issue for issue in issues if issue.is_error]


class SifError(Exception):
    """Base of every error the core raises on purpose."""

    code = "error"
    user_error = True  # the person (or operator) can fix it: exit 2, no traceback

    def __init__(self, code: str | None = None, **params: object) -> None:
        self.code = code or self.code
        self.params: Mapping[str, object] = params
        super().__init__(f"{self.code} {dict(params)}" if params else self.code)

    def message(self, lang: str) -> str:
        params = dict(self.params)
        if "what" in params:
            params["what"] = render(MESSAGES, f"what.{params['what']}", lang)
        if "status" in params:
            params["status"] = _words("state", params["status"], lang)
        if "action" in params:
            params["action"] = _words("action", params["action"], lang)
        return render(MESSAGES, self.code, lang, params)


def _words(kind: str, name: object, lang: str) -> str:
    """A status or an action as people say it; never the internal name (an unknown action is
    "do this", an unknown status the plain word)."""
    key = f"{kind}.{name}"
    if key in MESSAGES:
        return render(MESSAGES, key, lang)
    return render(MESSAGES, "action.unknown", lang) if kind == "action" else str(name)


class ValidationFailed(SifError):
    """One or more rules refused the input."""

    code = "validation_failed"

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(self.code, count=len(issues))
        self.issues = issues

    def message(self, lang: str) -> str:
        return "\n".join(issue.message(lang) for issue in self.issues)


class NotFound(SifError):
    code = "not_found"


class PermissionDenied(SifError):
    code = "permission_denied"


class InvalidTransition(SifError):
    code = "invalid_transition"


class ConfigError(SifError):
    code = "config_invalid"
