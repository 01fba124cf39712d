"""Messages of the field rules (placeholder until the rules land)."""

RULE_MESSAGES: dict[str, dict[str, str]] = {}
