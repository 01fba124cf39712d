"""Operator settings: one TOML file read once into a validated `Settings` object.

Every setting has a default so the bot runs without the file; an invalid file is refused at
start with the key and the reason.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.errors import ConfigError

Role = Literal["customer", "employee", "finance", "agent", "admin"]
ROLES: tuple[Role, ...] = ("customer", "employee", "finance", "agent", "admin")
Priority = Literal["urgent", "high", "normal", "low"]
Category = Literal["account", "payment", "invoice", "order", "technical", "complaint", "other"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SellerSettings(_Strict):
    """The issuing company: printed on every invoice."""

    name: str = "Sif 信息技术有限公司"
    tax_id: str = "91350100M000100Y43"  # GB 32100-2015 worked example
    address_phone: str = "北京市海淀区中关村大街1号 010-12345678"
    bank_account: str = "中国工商银行北京中关村支行 0200000000000000000"
    province_code: str = Field(default="11", pattern=r"^\d{2}$")
    channel: str = Field(default="1", pattern=r"^\d$")
    issuer: str = "Sif"  # 开票人


class IssuanceSettings(_Strict):
    # 开票限额: the highest 合计金额 (without tax) one invoice may carry.
    invoice_limit: Decimal = Decimal("1000000.00")
    employee_requires_review: bool = False
    draft_ttl_days: int = Field(default=30, ge=1, le=365)
    draft_warning_days: int = Field(default=3, ge=0, le=30)

    @field_validator("invoice_limit")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("must be greater than 0")
        return value


class HoursOverride(_Strict):
    """A day with other support hours (a holiday notice): closed when both are None."""

    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    start: time | None = None
    end: time | None = None

    @field_validator("date")
    @classmethod
    def _real_day(cls, value: str) -> str:
        try:
            date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"no such day: {value}") from exc  # 2026-02-30 would never apply
        return value

    @model_validator(mode="after")
    def _hours_in_order(self) -> HoursOverride:
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise ValueError("start must be before end")
        return self


class SupportSettings(_Strict):
    timezone: str = "Asia/Shanghai"
    start: time = time(9, 0)
    end: time = time(22, 0)
    overrides: list[HoursOverride] = Field(default_factory=list)
    channel: str = ""  # the Slack channel that hears escalations and breaches
    support_email: str = ""
    urgent_email: str = ""
    complaint_email: str = ""
    hotline: str = ""
    overseas_hotline: str = ""
    site_url: str = "www.sif.com"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


CalendarName = Literal["support_hours", "working_days", "24x7"]


class SlaPolicy(_Strict):
    """Targets in minutes for one priority (and optionally one category). `calendar` counts
    both clocks unless `resolution_calendar` gives the resolution (follow-up) clock its own."""

    priority: Priority | None = None
    category: Category | None = None
    first_response_minutes: int = Field(default=120, gt=0)
    resolution_minutes: int = Field(default=48 * 60, gt=0)
    calendar: CalendarName = "support_hours"
    resolution_calendar: CalendarName | None = None

    def calendar_of(self, clock: str) -> CalendarName:
        if clock == "resolution" and self.resolution_calendar is not None:
            return self.resolution_calendar
        return self.calendar


def _default_policies() -> list[SlaPolicy]:
    return [
        SlaPolicy(priority="urgent", first_response_minutes=30, resolution_minutes=8 * 60,
                  calendar="24x7"),
        SlaPolicy(category="payment", resolution_minutes=24 * 60),
        # A complaint is followed up within 1 working day (§12.4): its follow-up (resolution)
        # goal; its first response is the 2 support hours of every ticket, never slower.
        SlaPolicy(category="complaint", resolution_minutes=8 * 60,
                  resolution_calendar="working_days"),
        SlaPolicy(),
    ]


class SlaSettings(_Strict):
    warn_at: float = Field(default=0.75, gt=0, lt=1)
    policies: list[SlaPolicy] = Field(default_factory=_default_policies)
    # The working-days calendar: these hours on the days chinese_calendar calls working days, so
    # "1 working day" is 8 h = 480 minutes. `holidays`/`workdays` correct the package's data.
    working_day_start: time = time(9, 0)
    working_day_end: time = time(17, 0)
    holidays: list[date] = Field(default_factory=list)
    workdays: list[date] = Field(default_factory=list)
    close_after_days: int = Field(default=3, ge=1, le=60)  # solved -> closed when this quiet
    max_tier: int = Field(default=3, ge=1, le=9)


class SmtpSettings(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=25, gt=0, lt=65536)
    username: str = ""
    password: str = ""
    sender: str = "invoices@sif.example"
    starttls: bool = False


class Settings(_Strict):
    seller: SellerSettings = Field(default_factory=SellerSettings)
    issuance: IssuanceSettings = Field(default_factory=IssuanceSettings)
    roles: dict[str, Role] = Field(default_factory=dict)  # "platform:user" -> role
    support: SupportSettings = Field(default_factory=SupportSettings)
    sla: SlaSettings = Field(default_factory=SlaSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)

    def role_of(self, user: str, default: Role = "customer") -> Role:
        return self.roles.get(user, default)


def settings_path(explicit: str | None) -> Path | None:
    """--config, else $SIFBOT_CONFIG, else ./sifbot.toml when it exists."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("SIFBOT_CONFIG")
    if env:
        return Path(env)
    local = Path("sifbot.toml")
    return local if local.exists() else None


def load_settings(path: Path | None) -> Settings:
    """Read and validate the TOML file; defaults when there is none."""
    if path is None:
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(key=str(path), reason="file not found") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(key=str(path), reason=str(exc)) from exc
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or str(path)
        raise ConfigError(key=key, reason=first["msg"].removeprefix("Value error, ")) from exc
