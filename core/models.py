"""Domain objects of issuance: pydantic models with no I/O in them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.settings import Role


class InvoiceType(StrEnum):
    SPECIAL = "special"  # 增值税专用发票
    ORDINARY = "ordinary"  # 普通发票


class BuyerKind(StrEnum):
    ORGANISATION = "organisation"
    PERSON = "person"


class Status(StrEnum):
    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    ISSUED = "issued"
    REJECTED = "rejected"
    VOIDED = "voided"
    RED_FLUSHED = "red_flushed"


class Actor(BaseModel):
    """Who does something: `user` is "platform:id" (e.g. tg:42, slack:U01, console:local)."""

    model_config = ConfigDict(frozen=True)

    user: str
    role: Role = "customer"
    platform: str = "console"

    @property
    def is_staff(self) -> bool:
        return self.role in ("finance", "admin")


class Line(BaseModel):
    """One invoice line, amounts already separated from tax (Decimal, 2 places)."""

    name: str
    category: str | None = None  # short tax-classification name printed as *category*name
    spec: str = ""
    unit: str = ""
    quantity: Decimal | None = None  # None on a discount line
    unit_price: Decimal | None = None  # as entered: with or without tax, see the invoice
    tax_rate: str  # key of core.money.TAX_RATES
    amount: Decimal  # without tax
    tax: Decimal
    discount: bool = False

    @property
    def gross(self) -> Decimal:
        return self.amount + self.tax


class Buyer(BaseModel):
    kind: BuyerKind
    name: str
    tax_id: str = ""
    address_phone: str = ""
    bank_account: str = ""


class Delivery(BaseModel):
    method: Literal["download", "email", "paper"] = "download"
    email: str = ""
    mail_address: str = ""  # paper invoices: recipient, address and phone (postage paid by them)


class InvoiceData(BaseModel):
    """Everything printed on an invoice except what issuing adds (number, date, seller)."""

    invoice_type: InvoiceType
    buyer: Buyer
    lines: list[Line]
    prices_include_tax: bool = False
    remark: str = ""  # as printed: the business parts, then the free text
    remark_note: str = ""  # the free text alone (what a reissue starts from)
    remark_parts: dict[str, str] = Field(default_factory=dict)
    delivery: Delivery = Field(default_factory=Delivery)

    @property
    def total_amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def total_tax(self) -> Decimal:
        return sum((line.tax for line in self.lines), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        """价税合计."""
        return self.total_amount + self.total_tax


class Draft(BaseModel):
    """An invoice request being filled in: every field may still be missing."""

    id: str
    owner: str
    platform: str = "console"
    invoice_type: InvoiceType | None = None
    buyer_kind: BuyerKind | None = None
    buyer_name: str | None = None
    buyer_tax_id: str | None = None
    buyer_address_phone: str | None = None
    buyer_bank_account: str | None = None
    prices_include_tax: bool | None = None
    lines: list[Line] = Field(default_factory=list)
    remark: str | None = None
    remark_parts: dict[str, str] = Field(default_factory=dict)
    delivery: Delivery | None = None
    warnings_seen: list[str] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    submitted_as: str | None = None  # the request id, once submitted


class Invoice(BaseModel):
    """A submitted request and, once issued, the invoice itself."""

    id: str  # request id, R-...
    request_key: str  # idempotency key of the submit
    draft_id: str | None = None
    requester: str
    requester_platform: str = "console"
    status: Status
    kind: Literal["blue", "red"] = "blue"
    data: InvoiceData
    number: str | None = None
    issued_at: datetime | None = None
    reviewer: str | None = None
    reject_reason: str | None = None
    original_id: str | None = None  # red-letter: the blue invoice it cancels
    red_form_no: str | None = None  # 红字发票信息表编号
    reissue_of: str | None = None  # the invoice this one replaces
    replaced_by: str | None = None
    void_reason: str | None = None
    voided_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class AuditEntry(BaseModel):
    entity: str  # "invoice", "draft", "ticket"
    entity_id: str
    action: str
    actor: str
    platform: str
    at: datetime
    changes: dict[str, object] = Field(default_factory=dict)
