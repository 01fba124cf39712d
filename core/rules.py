"""Field rules of an invoice request: each takes the raw text and returns (cleaned value, issues).

Lengths are counted as the invoicing platforms count them: bytes in GBK (a Chinese character is
2 bytes). Text outside GBK cannot be printed on an invoice and is an error naming the character.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from core.catalog import classify, format_item_name
from core.errors import Issue
from core.models import Line
from core.money import read_decimal

BuyerKind = Literal["organisation", "person"]

NAME_MAX_BYTES = 100
ADDRESS_PHONE_MAX_BYTES = 100
BANK_ACCOUNT_MAX_BYTES = 100
ITEM_NAME_MAX_BYTES = 100
SPEC_MAX_BYTES = 40  # 规格型号 and 单位: narrow columns on the invoice
UNIT_MAX_BYTES = 20
NONE_WORDS = {"-", "—", "－", "/", "无", "none", "n/a"}  # an optional part left empty
REMARK_MAX_BYTES = 200
REMARK_MAX_LINES = 5
ACCOUNT_DIGITS = (8, 30)
NUMBER_MAX_PLACES = 8  # quantity and unit price; amounts themselves are kept to the cent

ORG_SUFFIXES = (
    "公司", "集团", "企业", "厂", "中心", "院", "所", "局", "校", "学", "园", "行", "会", "社",
    "部", "处", "站", "馆", "店", "场", "厅", "队", "室", "台", "府", "委", "办", "署", "军",
    "监狱", "超市", "宾馆", "酒店",
    "ltd", "ltd.", "limited", "inc", "inc.", "llc", "co.", "corp", "corp.", "corporation",
    "gmbh", "plc", "company",
)  # fmt: skip
ORG_WORDS = (
    "公司", "有限", "集团", "中心", "银行", "医院", "学校", "大学", "研究所", "事务所", "委员会",
    "协会", "合作社", "工作室", "商行", "经营部", "门市部", "政府", "ltd", "limited", "inc.",
)  # fmt: skip
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐",
                     "夏侯", "长孙", "宇文", "司徒", "端木")  # fmt: skip
BANK_WORDS = ("银行", "信用社", "信用合作", "农商行", "农信", "邮政储蓄", "bank")
BRANCH_WORDS = ("支行", "分行", "营业部", "分理处", "分社", "储蓄所", "信用社", "营业室", "支社",
                "办事处", "branch")  # fmt: skip
BRANCHLESS_BANKS = (
    "网商银行",
    "微众银行",
    "新网银行",
    "百信银行",
    "苏宁银行",
    "亿联银行",
    "众邦银行",
)
VAGUE_ITEM_NAMES = {
    "办公用品", "礼品", "日用品", "食品", "材料", "服务费", "货物", "商品", "配件", "耗材", "用品",
    "劳保用品", "其他", "杂费", "费用", "服务", "产品", "物品", "材料费", "辅料", "礼品卡",
}  # fmt: skip
NAME_PUNCTUATION = set("()（）[]［］【】·.&＆-－—_、,，'’/ ")
# The one symbol policy of every printed free-text field (address+phone, bank, item name, spec,
# unit, remark): the guide says "所有字段需避免使用特殊符号" (§2.3, §4.3). Markup and code
# characters print as typed and read as markup elsewhere (`**bold**`, `<b>`); the punctuation
# real addresses and remarks use (# - ( ) （ ） / 、 ， ： ; . ~ …) stays allowed, and so do
# braces and % (a format string is only text: tests/dialogs/test_bad_input.py). Checked on
# the NFKC form, so a full-width ＜ or ＊ is refused like < or *. The buyer's name has its own,
# stricter rule (letters, digits and NAME_PUNCTUATION only).
PRINTED_SYMBOLS = frozenset("<>*`")  # HTML tags, Markdown emphasis and code
FORMULA_STARTS = frozenset("=+-@")  # an item name starting so is a spreadsheet formula
ALLOWED_CONTROLS = frozenset("\t\n")  # tabs and line breaks have their own rules per field

_PHONE = re.compile(
    r"(?<!\d)(?:"
    r"1[3-9](?:[ -]?\d){9}"  # mobile: 11 digits, any grouping
    r"|(?:\(0\d{2,3}\)|0\d{2,3})[ -]?[1-9]\d{2,3}[ -]?\d{4}"  # landline with area code
    r"(?:\s*(?:-|转|ext\.?|x)\s*\d{1,6})?"  # extension
    r"|[48]00(?:[ -]?\d){7}"  # 400 / 800
    r")(?!\d)",
    re.IGNORECASE,
)
_LABELS = re.compile(
    r"(联系)?(电话|手机|账号|帐号|账户)\s*[:：]?|开户(银)?行\s*[:：]|地址\s*[:：]"
    r"|\b(tel|phone|a/c)\b\.?\s*[:：]?|[,，;；:：]",
    re.IGNORECASE,
)
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_CJK = r"\u3400-\u9fff"


# --- text helpers -------------------------------------------------------------------------


def gbk_length(text: str) -> int:
    """Bytes the invoicing platforms count: GBK, a Chinese character being 2."""
    return len(text.encode("gbk", errors="replace"))


def _gbk_issues(text: str, field: str) -> list[Issue]:
    """One error per distinct character that GBK (so the invoice) cannot hold."""
    bad: list[str] = []
    for char in text:
        try:
            char.encode("gbk")
        except UnicodeEncodeError:
            if char not in bad:
                bad.append(char)
    return [
        Issue(field=field, code="text_not_gbk", params={"char": c, "codepoint": f"U+{ord(c):04X}"})
        for c in bad
    ]


def _too_long(text: str, field: str, limit: int) -> list[Issue]:
    length = gbk_length(text)
    if length <= limit:
        return []
    params = {"length": str(length), "max": str(limit), "over": str(length - limit)}
    return [Issue(field=field, code=f"{field}_too_long", params=params)]


def _squeeze(text: str) -> str:
    """Collapse runs of spaces; no space between two Chinese characters."""
    text = re.sub(r"[ \t\u3000]+", " ", text).strip()
    return re.sub(rf"(?<=[{_CJK}]) (?=[{_CJK}])", "", text)


def _half_width_alnum(text: str) -> str:
    """Full-width digits, letters and punctuation to half-width (not ￥, which GBK needs)."""
    return text.translate({k: v for k, v in _HALF_WIDTH.items() if k != 0xFFE5})


# --- buyer ---------------------------------------------------------------------------------


def check_buyer_name(raw: str, *, buyer_kind: BuyerKind) -> tuple[str, list[Issue]]:
    """The buyer's full registered name (organisation) or name on the ID card (person)."""
    field = "buyer_name"
    name = _squeeze(raw or "")
    if not name:
        return name, [Issue(field=field, code="buyer_name_required")]
    if "\n" in name or "\r" in name:
        return name, [Issue(field=field, code="buyer_name_line_break")]
    issues = _gbk_issues(name, field) + _name_symbol_issues(name, field)
    issues += _too_long(name, field, NAME_MAX_BYTES)
    if not issues:
        issues = _name_kind_warnings(name, buyer_kind, field)
    return name, issues


def _name_symbol_issues(name: str, field: str) -> list[Issue]:
    bad = {
        char
        for char in name
        if unicodedata.category(char)[0] not in "LMN" and char not in NAME_PUNCTUATION
    }
    return [
        Issue(field=field, code=f"{field}_symbol", params={"char": char})
        for char in sorted(bad, key=name.index)
        if _encodable(char)  # characters outside GBK already have their own error
    ]


def printed_symbol_issues(text: str, field: str) -> list[Issue]:
    """The symbol policy of a printed field: one `{field}_symbol` error naming every forbidden
    character (markup, control characters) in the order typed, e.g. "* < >"."""
    bad = [char for char in dict.fromkeys(text) if _forbidden_in_print(char) and _encodable(char)]
    if not bad:
        return []
    return [Issue(field=field, code=f"{field}_symbol",
                  params={"char": " ".join(_shown(char) for char in bad)})]


def _forbidden_in_print(char: str) -> bool:
    if char in ALLOWED_CONTROLS:
        return False
    if unicodedata.category(char) == "Cc":
        return True
    return any(c in PRINTED_SYMBOLS for c in unicodedata.normalize("NFKC", char))


def _formula_issues(name: str, field: str) -> list[Issue]:
    """An item name must not start like a spreadsheet formula (=, +, -, @): exported lists and
    the platforms' Excel imports would compute it."""
    first = unicodedata.normalize("NFKC", name[:1])[:1]
    if first in FORMULA_STARTS:
        return [Issue(field=field, code=f"{field}_formula", params={"char": name[0]})]
    return []


def _shown(char: str) -> str:
    """A character as a message can show it: an invisible one by its code point."""
    return char if char.isprintable() else f"U+{ord(char):04X}"


def _encodable(char: str) -> bool:
    try:
        char.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def _name_kind_warnings(name: str, buyer_kind: BuyerKind, field: str) -> list[Issue]:
    if buyer_kind == "person":
        word = next((w for w in ORG_WORDS if w in name.lower()), None)
        if word or (len(name) > 4 and has_org_suffix(name)):
            params = {"name": name, "word": word or name[-1]}
            return [
                Issue(
                    field=field, code="buyer_name_looks_like_org", severity="warning", params=params
                )
            ]
        return []
    if has_org_suffix(name):
        return []
    code = (
        "buyer_name_looks_like_person" if looks_like_person_name(name) else "buyer_name_no_suffix"
    )
    return [Issue(field=field, code=code, severity="warning", params={"name": name})]


def has_org_suffix(name: str) -> bool:
    """Whether the name ends like an organisation's, ignoring a last (有限合伙) or (筹)."""
    core_name = re.sub(r"[(（][^()（）]*[)）]$", "", name.strip()).strip().lower()
    return core_name.endswith(ORG_SUFFIXES) and bool(_without_legal_form(core_name))


_LEGAL_FORM = sorted({*ORG_SUFFIXES, "有限", "责任", "股份", "co"}, key=len, reverse=True)


def _without_legal_form(name: str) -> str:
    """The name with its legal-form words taken off the end ("有限公司", "Co., Ltd."): what is
    left names the organisation, and a suffix alone ("公司", "company") names no one."""
    rest, before = name, None
    while rest != before:
        before = rest
        for suffix in _LEGAL_FORM:
            if rest.endswith(suffix):
                rest = rest[: -len(suffix)].strip(" ,.，、")
                break
    return rest


def looks_like_person_name(name: str) -> bool:
    """2-4 Chinese characters starting with a common surname."""
    if not re.fullmatch(rf"[{_CJK}]{{2,4}}", name):
        return False
    return name[0] in SURNAMES or (len(name) > 2 and name.startswith(COMPOUND_SURNAMES))


def check_address_phone(raw: str, *, required: bool) -> tuple[str, list[Issue]]:
    """ "Address phone" as printed: both parts when given; cleaned to "address phone"."""
    field = "address_phone"
    text = _squeeze(_half_width_alnum(re.sub(r"[\r\n]+", " ", raw or "")))
    if not text:
        return "", [Issue(field=field, code="address_phone_required")] if required else []
    phones = list(_PHONE.finditer(text))
    phone = phones[-1].group() if phones else ""
    address = _strip_labels(text.replace(phone, " ") if phone else text)
    cleaned = f"{address} {phone}".strip()
    issues = _gbk_issues(cleaned, field) + printed_symbol_issues(cleaned, field)
    if not phone:
        issues.append(Issue(field=field, code="address_phone_no_phone"))
    if not re.search(rf"[{_CJK}A-Za-z]", address):
        issues.append(Issue(field=field, code="address_phone_no_address"))
    return cleaned, issues + _too_long(cleaned, field, ADDRESS_PHONE_MAX_BYTES)


def _strip_labels(text: str) -> str:
    return _squeeze(_LABELS.sub(" ", text))


def check_bank_account(raw: str, *, required: bool) -> tuple[str, list[Issue]]:
    """Bank name to branch level and the account's digits; cleaned to "bank account"."""
    field = "bank_account"
    text = _squeeze(_half_width_alnum(re.sub(r"[\r\n]+", " ", raw or "")))
    if not text:
        return "", [Issue(field=field, code="bank_account_required")] if required else []
    bank, typed_account = _split_account(_strip_labels(text))
    account = re.sub(r"[ -]", "", typed_account)
    cleaned = f"{bank} {account}".strip()
    issues = _gbk_issues(cleaned, field) + printed_symbol_issues(bank, field)
    issues += _bank_issues(bank, field)
    strays = list(dict.fromkeys(char for char in account if not (char.isascii() and char.isdigit())))
    if strays:  # never moved into the bank's name: the person says what it should be
        issues += [Issue(field=field, code="bank_account_bad_char",
                         params={"char": char, "account": typed_account}) for char in strays]
    elif not account:
        issues.append(Issue(field=field, code="bank_account_no_account"))
    elif not ACCOUNT_DIGITS[0] <= len(account) <= ACCOUNT_DIGITS[1]:
        params = {
            "length": str(len(account)),
            "min": str(ACCOUNT_DIGITS[0]),
            "max": str(ACCOUNT_DIGITS[1]),
        }
        issues.append(Issue(field=field, code="bank_account_length", params=params))
    return cleaned, issues + _too_long(cleaned, field, BANK_ACCOUNT_MAX_BYTES)


def _split_account(text: str) -> tuple[str, str]:
    """(bank, account) as typed: the account is the trailing run of words that hold a digit
    ("… 营业部 7559 1234 5610 80A" -> "7559 1234 5610 80A"), kept whole so that a letter in it
    is reported, not taken for part of the bank's name."""
    words = re.sub(rf"(?<=[{_CJK}])(?=[0-9A-Za-z])", " ", text).split(" ")
    start = len(words)
    while start > 0 and re.search(r"\d", words[start - 1]):
        start -= 1
    return " ".join(words[:start]).strip(), " ".join(words[start:]).strip()


def _bank_issues(bank: str, field: str) -> list[Issue]:
    lowered = bank.lower()
    if not any(word in lowered for word in BANK_WORDS):
        return [Issue(field=field, code="bank_account_no_bank", params={"bank": bank})]
    if any(word in lowered for word in BRANCH_WORDS) or any(b in bank for b in BRANCHLESS_BANKS):
        return []
    return [
        Issue(field=field, code="bank_account_no_branch", severity="warning", params={"bank": bank})
    ]


# --- lines ---------------------------------------------------------------------------------


def check_item_name(raw: str, *, category: str | None = None) -> tuple[str, list[Issue]]:
    """The item name without its `*category*` prefix; length counted with the prefix."""
    field = "item_name"
    text = _squeeze(raw or "")
    if "\n" in text or "\r" in text:
        return text, [Issue(field=field, code="item_name_line_break")]
    typed = re.fullmatch(r"\*([^*]+)\*(.*)", text)
    name = typed.group(2).strip() if typed else text
    if not name:
        return name, [Issue(field=field, code="item_name_required")]
    guessed = classify(name)
    short = category or (typed.group(1) if typed else None) or (guessed.name if guessed else None)
    printed = format_item_name(short, name) if short else name
    issues = _gbk_issues(name, field) + _formula_issues(name, field)
    issues += printed_symbol_issues(name, field)
    issues += _too_long(printed, field, ITEM_NAME_MAX_BYTES)
    if name in VAGUE_ITEM_NAMES:
        issues.append(
            Issue(field=field, code="item_name_vague", severity="warning", params={"name": name})
        )
    return name, issues


def check_quantity(raw: str) -> tuple[str, list[Issue]]:
    """A quantity: a number above 0 with at most 8 decimals."""
    return _check_positive_number(raw, "quantity")


def check_unit_price(raw: str) -> tuple[str, list[Issue]]:
    """A unit price: a number above 0 (¥ and thousands commas allowed), at most 8 decimals."""
    return _check_positive_number(raw, "unit_price")


def check_spec(raw: str) -> tuple[str, list[Issue]]:
    """规格型号 (optional): one line of printable text; "-" or "无" means none."""
    return _check_line_text(raw, "spec", SPEC_MAX_BYTES)


def check_unit(raw: str) -> tuple[str, list[Issue]]:
    """单位 (optional): a word such as 台, 项, 月 or set; "-" or "无" means none."""
    text, issues = _check_line_text(raw, "unit", UNIT_MAX_BYTES)
    if text and read_decimal(text, max_places=NUMBER_MAX_PLACES)[0] is not None:
        issues.append(Issue(field="unit", code="unit_is_number", params={"text": text}))
    return text, issues


def _check_line_text(raw: str, field: str, limit: int) -> tuple[str, list[Issue]]:
    text = _squeeze(_half_width_alnum(raw or ""))
    if text.lower() in NONE_WORDS:
        return "", []
    if "\n" in text or "\r" in text:
        return text, [Issue(field=field, code=f"{field}_line_break")]
    issues = _gbk_issues(text, field) + printed_symbol_issues(text, field)
    return text, issues + _too_long(text, field, limit)


def check_lines_for_invoice(lines: Sequence[Line], *, special: bool,
                            limit: Decimal) -> list[Issue]:
    """What the lines together must respect, checked as they are entered (an error blocks the
    items step): no tax-exempt line on a special invoice (§3.2), and the amount without tax
    within the per-invoice limit (§6.3, the confirm-time check uses the same code)."""
    issues = [
        Issue(field="items", code="line_exempt_on_special",
              params={"line": str(number), "name": line.name})
        for number, line in enumerate(lines, 1)
        if special and line.tax_rate == "exempt" and not line.discount
    ]
    amount = sum((line.amount for line in lines), Decimal("0.00"))
    if amount > limit:
        issues.append(Issue(field="items", code="amount_over_limit",
                            params={"limit": f"{limit:.2f}", "amount": f"{amount:.2f}"}))
    return issues


def _check_positive_number(raw: str, field: str) -> tuple[str, list[Issue]]:
    text = (raw or "").strip()
    if not text:
        return "", [Issue(field=field, code=f"{field}_required")]
    value, problem = read_decimal(text, max_places=NUMBER_MAX_PLACES)
    if value is None:
        code = {"places": "too_many_places", "size": "too_large"}.get(problem or "", "not_number")
        params = {"text": text, "places": str(NUMBER_MAX_PLACES)}
        return text, [Issue(field=field, code=f"{field}_{code}", params=params)]
    cleaned = format(value, "f")
    if value <= Decimal(0):
        return cleaned, [Issue(field=field, code=f"{field}_not_positive", params={"text": cleaned})]
    return cleaned, []


def check_remark(raw: str, *, printed: bool = True) -> tuple[str, list[Issue]]:
    """The remark: optional, printable in GBK, a few lines at most, <= 200 GBK bytes, and no
    special symbols (`printed=False`: the same text rules for what never prints, such as the
    address a paper invoice is mailed to)."""
    field = "remark"
    lines = [
        line.strip() for line in (raw or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    text = "\n".join(lines).strip("\n")
    text = re.sub(r"\n{2,}", "\n", text)
    if not text:
        return "", []
    issues = _gbk_issues(text, field)
    if printed:
        issues += printed_symbol_issues(text, field)
    line_count = text.count("\n") + 1
    if line_count > REMARK_MAX_LINES:
        params = {"lines": str(line_count), "max": str(REMARK_MAX_LINES)}
        issues.append(Issue(field=field, code="remark_too_many_lines", params=params))
    return text, issues + _too_long(text, field, REMARK_MAX_BYTES)


def check_printed_remark(printed: str) -> list[Issue]:
    """The whole remark as it prints (the business parts with their labels, then the free text:
    core.validation.compose_remark): printable, no special symbols, and within the one limit
    (each piece may fit while all do not). Chat checks each piece as typed; this also covers
    what never went through a chat step (a batch row, a reissued draft)."""
    issues = _gbk_issues(printed, "remark") + printed_symbol_issues(printed, "remark")
    length = gbk_length(printed)
    if length <= REMARK_MAX_BYTES:
        return issues
    over = length - REMARK_MAX_BYTES
    params = {"length": str(length), "max": str(REMARK_MAX_BYTES), "over": str(over)}
    return [*issues, Issue(field="remark", code="remark_printed_too_long", params=params)]


# The form fields whose change can clear an invoice-level error, when it is more than the
# issue's own field: a tax-exempt line on a special invoice goes with another rate, or with an
# ordinary invoice (§3.2).
FIX_FIELDS: dict[str, tuple[str, ...]] = {
    "special_no_exempt": ("items", "invoice_type"),
    "line_exempt_on_special": ("items", "invoice_type"),
}


def fields_to_fix(issue: Issue) -> tuple[str, ...]:
    """Where to go to fix `issue` (the preview offers an edit button for each)."""
    return FIX_FIELDS.get(issue.code, (issue.field,))
