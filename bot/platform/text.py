"""Cutting a long reply into messages a platform accepts (both count in UTF-16 units or less:
Telegram counts UTF-16 code units, Slack characters, so UTF-16 is safe for both)."""

from __future__ import annotations


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int) -> list[str]:
    """Cut a long text into messages at line breaks (then spaces, then anywhere) under `limit`."""
    if utf16_len(text) <= limit:
        return [text] if text.strip() else []
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if utf16_len(candidate) <= limit:
            current = candidate
            continue
        if current.strip():
            chunks.append(current)
        current = ""
        for piece in _split_line(line, limit):
            if utf16_len(piece) == 0:
                continue
            if current:
                chunks.append(current)
            current = piece
    if current.strip():
        chunks.append(current)
    return [chunk.strip("\n") for chunk in chunks if chunk.strip()]


def _split_line(line: str, limit: int) -> list[str]:
    """One line longer than the limit: cut at the last space that fits, else at the limit."""
    pieces: list[str] = []
    while utf16_len(line) > limit:
        cut, size = 0, 0
        for index, char in enumerate(line):
            size += utf16_len(char)
            if size > limit:
                break
            cut = index + 1
        space = line.rfind(" ", 0, cut)
        if space > cut // 2:
            cut = space + 1
        pieces.append(line[:cut].rstrip())
        line = line[cut:]
    pieces.append(line)
    return pieces
