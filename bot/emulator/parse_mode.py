"""Telegram's HTML parse mode: the visible text and the entities of a marked-up text, refused
with Telegram's "can't parse entities" wording; and the trimming of the surrounding
whitespace that keeps the entities in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.emulator.rules import utf16_len


class EntityParseError(ValueError):
    """Markup Telegram would refuse with "can't parse entities: ..."."""


_HTML_TAGS = frozenset(
    "a b strong i em s strike del u ins tg-spoiler tg-emoji span pre code blockquote".split()
)
_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = frozenset(" \t\r\n\v\f")
_WHITESPACE = " \t\r\n"


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int
    expandable: bool = False
    language: str = ""


def _decode_entity(source: str, pos: int) -> tuple[str | None, int]:
    """Decode the entity at source[pos] == "&" like Telegram: (char, end) or (None, pos)."""
    end = pos + 1
    size = len(source)
    if end < size and source[end] == "#":
        end += 1
        hexadecimal = end < size and source[end] in "xX"
        if hexadecimal:
            end += 1
        start = end
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        while end < size and source[end] in digits:
            end += 1
        if end == start or end - start > 8:
            return None, pos
        code = int(source[start:end], 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None, pos
        char = chr(code)
    else:
        start = end
        while end < size and source[end].isascii() and source[end].isalpha():
            end += 1
        char = _NAMED_ENTITIES.get(source[start:end])
        if char is None:
            return None, pos
    if end < size and source[end] == ";":
        end += 1
    return char, end


def parse_html(source: str, *, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's HTML parse mode: the visible text and its entities (UTF-16 offsets).

    Raises EntityParseError with Telegram's wording. With `strict`, a "&" that starts no
    entity is refused too (Telegram itself keeps it as a literal "&").
    """
    size = len(source)
    out: list[str] = []
    offset = 0
    stack: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []

    def byte_offset(pos: int) -> int:
        return len(source[:pos].encode("utf-8", "surrogatepass"))

    def ampersand(pos: int) -> tuple[str, int]:
        char, end = _decode_entity(source, pos)
        if char is not None:
            return char, end
        if strict:
            raise EntityParseError(
                f'Character "&" must be escaped as "&amp;" at byte offset {byte_offset(pos)}'
            )
        return "&", pos + 1

    def skip_spaces(pos: int) -> int:
        while pos < size and source[pos] in _SPACES:
            pos += 1
        return pos

    i = 0
    while i < size:
        char = source[i]
        if char == "&":
            text, i = ampersand(i)
            out.append(text)
            offset += utf16_len(text)
            continue
        if char != "<":
            out.append(char)
            offset += utf16_len(char)
            i += 1
            continue

        begin = i
        i += 1
        if i >= size:
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")

        if source[i] != "/":
            while i < size and source[i] not in _SPACES and source[i] != ">":
                i += 1
            if i >= size:
                raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            name = source[begin + 1 : i].lower()
            if name not in _HTML_TAGS:
                raise EntityParseError(
                    f'Unsupported start tag "{name}" at byte offset {byte_offset(begin)}'
                )
            tag = _OpenTag(name, "", offset)
            unclosed = EntityParseError(
                f'Unclosed start tag "{name}" at byte offset {byte_offset(begin)}'
            )
            while True:
                i = skip_spaces(i)
                if i >= size:
                    raise unclosed
                if source[i] == ">":
                    break
                start = i
                while i < size and source[i] not in _SPACES and source[i] not in "=>":
                    i += 1
                attribute = source[start:i].lower()
                i = skip_spaces(i)
                if i >= size:
                    raise unclosed
                if source[i] != "=":
                    if name == "blockquote" and attribute == "expandable":
                        tag.expandable = True
                        continue
                    raise EntityParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{name}" at byte offset {byte_offset(begin)}'
                    )
                i = skip_spaces(i + 1)
                if i >= size:
                    raise unclosed
                if source[i] in "'\"":
                    quote = source[i]
                    i += 1
                    value: list[str] = []
                    while i < size and source[i] != quote:
                        if source[i] == "&":
                            text, i = ampersand(i)
                            value.append(text)
                        else:
                            value.append(source[i])
                            i += 1
                    if i >= size:
                        raise unclosed
                    i += 1
                    attribute_value = "".join(value)
                else:
                    start = i
                    while i < size and (
                        (source[i].isascii() and source[i].isalnum()) or source[i] in ".-"
                    ):
                        i += 1
                    attribute_value = source[start:i].lower()
                    if i < size and source[i] not in _SPACES and source[i] != ">":
                        raise EntityParseError(
                            f"Unexpected end of name token at byte offset {byte_offset(start)}"
                        )
                if name == "a" and attribute == "href":
                    tag.argument = attribute_value
                elif name == "code" and attribute == "class":
                    if attribute_value.startswith("language-"):
                        tag.argument = attribute_value.removeprefix("language-")
                elif name == "span" and attribute == "class":
                    if attribute_value.startswith("tg-"):
                        tag.argument = attribute_value.removeprefix("tg-")
                elif name == "tg-emoji" and attribute == "emoji-id":
                    tag.argument = attribute_value
            i += 1
            if name == "span" and tag.argument != "spoiler":
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(begin)}'
                )
            stack.append(tag)
            continue

        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {byte_offset(begin)}")
        i += 1
        while i < size and source[i] not in _SPACES and source[i] != ">":
            i += 1
        end_name = source[begin + 2 : i]
        i = skip_spaces(i)
        if i >= size or source[i] != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {byte_offset(begin)}")
        i += 1
        tag = stack.pop()
        if end_name and end_name.lower() != tag.name:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {byte_offset(begin)}, "
                f'expected "</{tag.name}>", found "</{end_name}>"'
            )
        length = offset - tag.offset
        if length <= 0:
            continue
        if tag.name == "code" and tag.argument and stack and stack[-1].name == "pre":
            stack[-1].language = tag.argument
            continue
        entity: dict[str, Any] = {"offset": tag.offset, "length": length}
        if tag.name in _TAG_TYPES:
            entity["type"] = _TAG_TYPES[tag.name]
            if tag.name == "pre" and tag.language:
                entity["language"] = tag.language
        elif tag.name == "blockquote":
            entity["type"] = "expandable_blockquote" if tag.expandable else "blockquote"
        elif tag.name == "a":
            if not tag.argument:
                continue
            entity.update(type="text_link", url=tag.argument)
        elif tag.name == "tg-emoji":
            entity.update(type="custom_emoji", custom_emoji_id=tag.argument)
        entities.append(entity)

    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip surrounding whitespace as Telegram does, keeping entities in place."""
    stripped = text.lstrip(_WHITESPACE)
    shift = utf16_len(text[: len(text) - len(stripped)])
    stripped = stripped.rstrip(_WHITESPACE)
    total = utf16_len(stripped)
    if not shift and total == utf16_len(text):
        return text, entities
    kept = []
    for entity in entities:
        start = max(entity.get("offset", 0) - shift, 0)
        end = min(entity.get("offset", 0) + entity.get("length", 0) - shift, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept
