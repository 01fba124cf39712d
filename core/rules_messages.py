"""Messages of the field rules (core.taxid, core.rules): what is wrong and how to fix it."""

from __future__ import annotations

_TAX_ID: dict[str, dict[str, str]] = {
    "tax_id_required": {
        "zh": "请填写购买方的纳税人识别号（18位统一社会信用代码，见营业执照）。",
        "en": "Please enter the buyer's tax ID (the 18-character unified social credit code "
        "on the business licence).",
    },
    "tax_id_length": {
        "zh": "税号有 {length} 位，应为 {allowed} 位（18位统一社会信用代码，或旧的15位税号）。"
        "请对照营业执照逐位核对，重新复制。",
        "en": "The tax ID has {length} characters; it must have {allowed} (the 18-character "
        "credit code, or an old 15-character number). Compare it with the business licence "
        "and copy it again.",
    },
    "tax_id_not_an_id": {
        "zh": "“{text}”不是税号：税号只含数字和大写字母（营业执照上的18位统一社会信用代码）。"
        "请输入税号；有疑问可以直接提问。",
        "en": "'{text}' is not a tax ID: a tax ID has only digits and capital letters (the "
        "18-character unified social credit code on the business licence). Please type the "
        "tax ID; you may also ask a question.",
    },
    "tax_id_excluded_letter": {
        "zh": "税号第 {position} 位是字母“{char}”，统一社会信用代码不使用 I、O、Z、S、V 这几个字母。"
        "请对照营业执照核对这一位。",
        "en": "Character {position} of the tax ID is the letter '{char}', which credit codes "
        "never use (nor I, O, Z, S). Check that character against the business licence.",
    },
    "tax_id_bad_char": {
        "zh": "税号第 {position} 位的“{char}”不能出现在税号中，请删除或改正。",
        "en": "Character {position} of the tax ID, '{char}', cannot be part of a tax ID; "
        "remove or correct it.",
    },
    "tax_id_digit_expected": {
        "zh": "税号第 {position} 位应是数字，现在是字母“{char}”。请对照营业执照改正。",
        "en": "Character {position} of the tax ID must be a digit, not the letter '{char}'. "
        "Correct it from the business licence.",
    },
    "tax_id_lookalike_letter": {
        "zh": "税号第 {position} 位是字母“{char}”，这一位不会是该字母，多半应为“{lookalike}”。"
        "请改为“{lookalike}”后再试。",
        "en": "Character {position} of the tax ID is the letter '{char}', which cannot be "
        "there; it is most likely '{lookalike}'. Change it to '{lookalike}' and try again.",
    },
    "tax_id_legacy_15": {
        "zh": "这是三证合一前的15位旧税号，可以继续，但建议向购买方索取18位统一社会信用代码"
        "（见新版营业执照）后替换。",
        "en": "This is an old 15-character tax number (before 2015). You may go on, but ask "
        "the buyer for the 18-character credit code on the new business licence.",
    },
    "tax_id_is_person_id": {
        "zh": "这是个人身份证号，不是单位的税号。单位请填写营业执照上的18位统一社会信用代码；"
        "如果购买方是个人，请把购买方类型改为“个人”。",
        "en": "This is a personal ID card number, not an organisation's tax ID. Enter the "
        "18-character credit code from the business licence, or change the buyer to 'person'.",
    },
    "tax_id_checksum": {
        "zh": "税号校验未通过，可能有一位抄错。请从营业执照上逐位复制税号；"
        "如果与营业执照上印的完全一致，请确认后继续。",
        "en": "The tax ID fails its check digit: a character may be mistyped. Copy it again "
        "from the business licence; if it is exactly as printed there, confirm it to go on.",
    },
    "tax_id_checksum_unverified": {
        "zh": "税号未通过校验，已按您的确认（与营业执照一致）保留；开票前请再核对一次。",
        "en": "The tax ID fails its check digit but was kept as you confirmed it matches the "
        "business licence; please check it once more before issuing.",
    },
    "tax_id_lookalike_fix": {
        "zh": "第 {position} 位的“{char}”如果其实是“{lookalike}”，税号 {fix} 可以通过校验。"
        "请对照营业执照，若一致可一键采用。",
        "en": "If character {position}, '{char}', is really '{lookalike}', the tax ID {fix} "
        "passes the check. Compare with the business licence and accept it with one tap.",
    },
    "buyer_tax_id_org_for_person": {
        "zh": "这是单位的统一社会信用代码，但购买方类型是“个人”。如果为单位开票，"
        "请把购买方类型改为“单位”；个人可以填写身份证号或不填。",
        "en": "This is an organisation's credit code, but the buyer is a person. If the "
        "invoice is for an organisation, change the buyer type; a person may give an ID "
        "number or nothing.",
    },
}

_PERSON_ID: dict[str, dict[str, str]] = {
    "person_id_required": {
        "zh": "请填写18位居民身份证号码。",
        "en": "Please enter the 18-digit resident ID card number.",
    },
    "person_id_not_an_id": {
        "zh": "“{text}”不是身份证号：身份证号是18位数字（最后一位可以是X）。"
        "请输入身份证号，或输入“跳过”不填。",
        "en": "'{text}' is not an ID number: a resident ID number is 18 digits (the last may "
        "be X). Type the number, or 'skip' to leave it out.",
    },
    "person_id_length": {
        "zh": "身份证号有 {length} 位，应为18位。请对照身份证重新输入。",
        "en": "The ID number has {length} characters; it must have 18. Type it again from "
        "the ID card.",
    },
    "person_id_lookalike_letter": {
        "zh": "身份证号第 {position} 位是字母“{char}”，"
        "应为数字，多半是“{lookalike}”。请改正后再试。",
        "en": "Character {position} of the ID number is the letter '{char}'; it must be a "
        "digit, most likely '{lookalike}'. Correct it and try again.",
    },
    "person_id_bad_char": {
        "zh": "身份证号第 {position} 位的“{char}”无效：前17位都是数字，最后一位是数字或X。请改正。",
        "en": "Character {position} of the ID number, '{char}', is not allowed: the first 17 "
        "are digits and the last is a digit or X. Correct it.",
    },
    "person_id_birth_date": {
        "zh": "身份证号第7–14位“{digits}”不是有效的出生日期（年月日）。请对照身份证改正。",
        "en": "Characters 7-14 of the ID number, '{digits}', are not a real birth date "
        "(YYYYMMDD). Correct them from the ID card.",
    },
    "person_id_birth_future": {
        "zh": "身份证号中的出生日期 {date} 在今天之后，号码有误。请对照身份证改正。",
        "en": "The birth date in the ID number, {date}, is in the future, so the number is "
        "wrong. Correct it from the ID card.",
    },
    "person_id_area": {
        "zh": "身份证号开头的地区码“{code}”不存在（前两位应为省级代码，"
        "如11北京、44广东）。请改正。",
        "en": "The area code at the start of the ID number, '{code}', does not exist (the first "
        "two digits are a province, e.g. 11 Beijing, 44 Guangdong). Correct it.",
    },
    "person_id_checksum": {
        "zh": "身份证号校验未通过，可能有一位输错或两位颠倒。请对照身份证逐位核对。",
        "en": "The ID number fails its check digit: a digit may be wrong or two swapped. "
        "Compare it digit by digit with the ID card.",
    },
    "person_id_legacy_15": {
        "zh": "这是已停用的15位旧身份证号。对应的18位号码是 {upgraded}，请核对后一键采用。",
        "en": "This is an old 15-digit ID number, no longer in use. Its 18-digit form is "
        "{upgraded}: check it and accept it with one tap.",
    },
}


def _symbol_message(zh: str, en: str, *, zh_note: str = "", en_note: str = "") -> dict[str, str]:
    """The symbol policy's refusal (core.rules.PRINTED_SYMBOLS), naming the character."""
    return {
        "zh": f"{zh}中不能有符号“{{char}}”{zh_note}。发票字段不能使用特殊符号，请删除或改用文字"
        "（# - / （） 、 ， ： 等常用标点可以用）。",
        "en": f"The {en} cannot contain '{{char}}'{en_note}. Invoice fields take no special "
        "symbols: remove it or use words (common punctuation such as # - / ( ) , : is fine).",
    }


_TEXT: dict[str, dict[str, str]] = {
    "text_not_gbk": {
        "zh": "“{char}”（{codepoint}）无法打印在发票上，请删除，或换成常用字、常用符号。",
        "en": "'{char}' ({codepoint}) cannot be printed on an invoice; remove it or use a "
        "common character instead.",
    },
    "buyer_name_required": {
        "zh": "请填写购买方名称：单位填营业执照上的全称，个人填身份证上的姓名。",
        "en": "Please enter the buyer's name: an organisation's full registered name, or a "
        "person's name as on the ID card.",
    },
    "buyer_name_line_break": {
        "zh": "名称中有换行，请写在一行里（只填名称，税号等信息在后面单独填写）。",
        "en": "The name contains a line break; write it on one line (just the name: the tax "
        "ID and the rest come later).",
    },
    "buyer_name_symbol": {
        "zh": "名称中不能有特殊符号“{char}”，请删除。",
        "en": "The name cannot contain the symbol '{char}'; please remove it.",
    },
    "buyer_name_too_long": {
        "zh": "名称太长：{length} 字节，最多 {max} 字节（一个汉字算2字节），请缩短 {over} 字节。",
        "en": "The name is too long: {length} bytes, at most {max} (a Chinese character counts "
        "2); shorten it by {over} bytes.",
    },
    "buyer_name_no_suffix": {
        "zh": "“{name}”似乎不是完整名称（缺少“有限公司”等后缀，或是简称）。请按营业执照填写全称。",
        "en": "'{name}' does not look like a full registered name (no suffix such as 有限公司, "
        "or a short name). Use the full name on the business licence.",
    },
    "buyer_name_looks_like_person": {
        "zh": "“{name}”看起来像个人姓名。如果购买方是个人，请把购买方类型改为“个人”；"
        "如果是单位，请填写营业执照上的全称。",
        "en": "'{name}' looks like a person's name. If the buyer is a person, change the buyer "
        "type to 'person'; if it is an organisation, use its full registered name.",
    },
    "buyer_name_looks_like_org": {
        "zh": "“{name}”含有“{word}”，看起来像单位名称。如果为单位开票，请把购买方类型改为“单位”；"
        "个人请填身份证上的姓名。",
        "en": "'{name}' contains '{word}' and looks like an organisation. If the invoice is for "
        "an organisation, change the buyer type; a person uses the name on the ID card.",
    },
}

_CONTACT: dict[str, dict[str, str]] = {
    "address_phone_required": {
        "zh": "请填写购买方地址和电话（专用发票必填），"
        "例如：北京市海淀区中关村大街1号 010-12345678。",
        "en": "Please enter the buyer's address and phone (required on a special invoice), "
        "e.g. 北京市海淀区中关村大街1号 010-12345678.",
    },
    "address_phone_no_phone": {
        "zh": "没有找到有效电话。请在地址后写电话：手机11位（如13800138000），"
        "座机带区号（如010-12345678，可加分机），或400/800电话。",
        "en": "No valid phone number found. Put a phone after the address: an 11-digit mobile "
        "(e.g. 13800138000), a landline with area code (e.g. 010-12345678, extension allowed), "
        "or a 400/800 number.",
    },
    "address_phone_no_address": {
        "zh": "只有电话，没有地址。请填写“地址 电话”，地址与营业执照上的注册地址一致。",
        "en": "There is a phone but no address. Enter 'address phone', with the registered "
        "address.",
    },
    "address_phone_symbol": _symbol_message("地址电话", "address and phone"),
    "bank_account_symbol": _symbol_message("开户行", "bank name"),
    "address_phone_too_long": {
        "zh": "地址和电话合计 {length} 字节，"
        "最多 {max} 字节（一个汉字算2字节），请缩短 {over} 字节。",
        "en": "Address and phone together are {length} bytes, at most {max} (a Chinese "
        "character counts 2); shorten them by {over} bytes.",
    },
    "bank_account_required": {
        "zh": "请填写开户行及账号（专用发票必填），"
        "例如：中国工商银行北京中关村支行 0200001234567890123。",
        "en": "Please enter the bank and account (required on a special invoice), e.g. "
        "中国工商银行北京中关村支行 0200001234567890123.",
    },
    "bank_account_no_bank": {
        "zh": "没有找到开户银行名称。请写“银行+支行 账号”，"
        "例如：招商银行上海分行营业部 1219 0000 0000 001。",
        "en": "No bank name found. Write 'bank and branch, account', e.g. "
        "招商银行上海分行营业部 121900000000001.",
    },
    "bank_account_no_branch": {
        "zh": "“{bank}”没有写到支行一级。"
        "请补全到支行（如“……支行”“……分行营业部”），与开户许可证一致。",
        "en": "'{bank}' does not name the branch. Add it (…支行, …分行营业部) as on the account "
        "opening document.",
    },
    "bank_account_no_account": {
        "zh": "没有找到银行账号。请在开户行后写账号（只写数字，可以带空格）。",
        "en": "No account number found. Put the account after the bank (digits only, spaces "
        "allowed).",
    },
    "bank_account_bad_char": {
        "zh": "账号“{account}”中有“{char}”：账号只能是数字（可以带空格）。请对照开户资料改正，"
        "账号写在开户行后面。",
        "en": "The account '{account}' contains '{char}': an account has digits only (spaces "
        "allowed). Correct it from the bank documents, after the bank's name.",
    },
    "bank_account_length": {
        "zh": "账号有 {length} 位数字，一般为 {min}–{max} 位，可能漏输或多输。请对照开户资料核对。",
        "en": "The account has {length} digits; accounts have {min}-{max}. A digit may be "
        "missing or extra: check it against the bank documents.",
    },
    "bank_account_too_long": {
        "zh": "开户行和账号合计 {length} 字节，"
        "最多 {max} 字节（一个汉字算2字节），请缩短 {over} 字节。",
        "en": "Bank and account together are {length} bytes, at most {max} (a Chinese character "
        "counts 2); shorten them by {over} bytes.",
    },
}

_LINES: dict[str, dict[str, str]] = {
    "item_name_required": {
        "zh": "请填写项目名称，例如：软件开发服务。",
        "en": "Please enter the item name, e.g. 软件开发服务 (software development).",
    },
    "item_name_line_break": {
        "zh": "项目名称中有换行，请写在一行里。",
        "en": "The item name contains a line break; write it on one line.",
    },
    "item_name_symbol": _symbol_message(
        "项目名称", "item name", zh_note="（“*”只用来标明税收分类，如 *信息技术服务*软件开发服务）",
        en_note=" ('*' only marks the tax category, as in *信息技术服务*software development)"),
    "item_name_formula": {
        "zh": "项目名称不能以“{char}”开头（表格软件会把它当作公式）。请删除开头的“{char}”，"
        "或以文字开头。",
        "en": "The item name cannot start with '{char}' (spreadsheets read it as a formula). "
        "Remove the leading '{char}', or start with a word.",
    },
    "item_name_too_long": {
        "zh": "项目名称（含“*分类*”前缀）{length} 字节，最多 {max} 字节，请缩短 {over} 字节。",
        "en": "The item name (with its *category* prefix) is {length} bytes, at most {max}; "
        "shorten it by {over} bytes.",
    },
    "item_name_vague": {
        "zh": "“{name}”过于笼统，报销时通常需要附详细清单。建议写具体名称，如“A4打印纸”“签字笔”。",
        "en": "'{name}' is vague; reimbursement will usually need an itemised list. Prefer a "
        "specific name, e.g. A4 printing paper.",
    },
    **{
        f"{field}_{problem}": texts
        for field, zh, en in (("spec", "规格型号", "model/spec"), ("unit", "单位", "unit"))
        for problem, texts in {
            "line_break": {
                "zh": f"{zh}中有换行，请写在一行里。",
                "en": f"The {en} contains a line break; write it on one line.",
            },
            "symbol": _symbol_message(zh, en),
            "too_long": {
                "zh": f"{zh} {{length}} 字节，最多 {{max}} 字节（一个汉字算2字节），"
                f"请缩短 {{over}} 字节。",
                "en": f"The {en} is {{length}} bytes, at most {{max}} (a Chinese character "
                f"counts 2); shorten it by {{over}} bytes.",
            },
        }.items()
    },
    "unit_is_number": {
        "zh": "单位“{text}”是个数字。单位是“台”“项”“月”这样的词；格式为“名称，单位，数量，单价，"
        "税率”或“名称，规格型号，单位，数量，单价，税率”。",
        "en": "The unit '{text}' is a number. A unit is a word such as set, item or month; "
        "the format is 'name, unit, quantity, price, rate' or 'name, model, unit, quantity, "
        "price, rate'.",
    },
    "line_exempt_on_special": {
        "zh": "第 {line} 行“{name}”是免税项目，增值税专用发票不能开具免税项目（须开普通发票）。"
        "请按适用税率重新输入这一行，或点“改开普通发票”。",
        "en": "Line {line}, '{name}', is tax-exempt, and a special VAT invoice cannot carry a "
        "tax-exempt line (it needs an ordinary invoice). Type the line again with its tax "
        "rate, or press 'Make it an ordinary invoice'.",
    },
    "remark_too_long": {
        "zh": "备注 {length} 字节，最多 {max} 字节（一个汉字算2字节），请缩短 {over} 字节。",
        "en": "The remark is {length} bytes, at most {max} (a Chinese character counts 2); "
        "shorten it by {over} bytes.",
    },
    "remark_symbol": _symbol_message("备注", "remark"),
    "remark_too_many_lines": {
        "zh": "备注有 {lines} 行，最多 {max} 行，请合并几行。",
        "en": "The remark has {lines} lines, at most {max}; join some of them.",
    },
}


def _number_messages(field: str, zh: str, en: str, example: str) -> dict[str, dict[str, str]]:
    return {
        f"{field}_required": {
            "zh": f"请填写{zh}，例如 {example}。",
            "en": f"Please enter the {en}, e.g. {example}.",
        },
        f"{field}_not_number": {
            "zh": f"“{{text}}”不是有效的{zh}，请只输入数字，例如 {example}。",
            "en": f"'{{text}}' is not a valid {en}; type a number only, e.g. {example}.",
        },
        f"{field}_too_many_places": {
            "zh": f"{zh}“{{text}}”小数位太多，最多 {{places}} 位，请四舍五入后再输入。",
            "en": f"The {en} '{{text}}' has too many decimals (at most {{places}}); round it.",
        },
        f"{field}_too_large": {
            "zh": f"{zh}“{{text}}”太大了，请检查是否多输了几个0。",
            "en": f"The {en} '{{text}}' is too large; check for extra zeros.",
        },
        f"{field}_not_positive": {
            "zh": f"{zh}必须大于0（现在是 {{text}}）。折扣请作为单独的折扣行添加。",
            "en": f"The {en} must be above 0 (it is {{text}}). Add a discount as its own line.",
        },
    }


RULE_MESSAGES: dict[str, dict[str, str]] = {
    **_TAX_ID,
    **_PERSON_ID,
    **_TEXT,
    **_CONTACT,
    **_LINES,
    **_number_messages("quantity", "数量", "quantity", "2"),
    **_number_messages("unit_price", "单价", "unit price", "10600"),
}


# Answers at the items step and rows of a batch file: not field rules, but about the same lines.
LINE_INPUT_MESSAGES: dict[str, dict[str, str]] = {
    "line_unfinished": {
        "zh": "“{name}”这一行还没填完。请先回答上面的问题，或点“返回项目列表”放弃这一行。",
        "en": "The line '{name}' is not finished. Answer the question above first, or press "
        "'Back to the lines' to drop it.",
    },
    "category_unknown": {
        "zh": "“{value}”不是可选的税收分类。请点选一个分类，或输入分类名称（例如“信息技术服务”）；"
        "点“返回项目列表”可放弃这一行。",
        "en": "'{value}' is not one of the tax categories. Press one, or type its name (e.g. "
        "'Information technology services'); press 'Back to the lines' to drop this line.",
    },
    "category_required_column": {
        "zh": "无法根据名称判断“{name}”的税收分类（发票上印作“*分类*名称”）。"
        "请在“{column}”列填写，可选：{choices}。",
        "en": "The tax category of '{name}' cannot be told from its name (the invoice prints "
        "*category*name). Fill in the '{column}' column with one of: {choices}.",
    },
    "category_unknown_column": {
        "zh": "“{column}”列的“{value}”不是可选的税收分类，可选：{choices}。",
        "en": "'{value}' in the '{column}' column is not one of the tax categories: {choices}.",
    },
    "batch_no_header": {
        "zh": "第一行没有模板的列名（如“项目名称”“数量”），无法对应各列。请使用下载的模板，保留第一行。",
        "en": "The first row has none of the template's column names (such as 项目名称, 数量), so "
        "the columns cannot be read. Use the template and keep its first row.",
    },
    "discount_amount_expected": {
        "zh": "“{value}”不是折扣金额。请输入第 {line} 行的折扣金额（例如 100 或 12.50）；"
        "不加折扣请点“返回项目列表”或输入“返回”。",
        "en": "'{value}' is not a discount amount. Type the discount on line {line} (e.g. 100 "
        "or 12.50); to add no discount, press 'Back to the lines' or type 'back'.",
    },
    "discount_too_many_places": {
        "zh": "折扣金额“{value}”最多两位小数（精确到分），例如 10.01。",
        "en": "The discount '{value}' has more than two decimals; amounts go to the cent, "
        "e.g. 10.01.",
    },
    "discount_not_positive": {
        "zh": "折扣金额必须大于 0（现在是“{value}”），例如 100 或 12.50。",
        "en": "The discount must be above 0 (it is '{value}'), e.g. 100 or 12.50.",
    },
    "discount_exists": {
        "zh": "第 {line} 行已经有折扣了（第 {discount} 行）。如需调整，请先“删除 {discount}”，再重新添加。",
        "en": "Line {line} already has a discount (line {discount}). To change it, "
        "'delete {discount}' first, then add it again.",
    },
    "discount_of_discount": {
        "zh": "第 {line} 行本身是折扣行，不能再打折。请选择一个项目行，例如“折扣 1”。",
        "en": "Line {line} is a discount itself and cannot be discounted. Pick an item line, "
        "e.g. 'discount 1'.",
    },
}
