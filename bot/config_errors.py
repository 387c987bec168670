"""Configuration problems as people read them: ``config.toml:42: stores[2].antenna: …``.

``tomllib`` gives no positions, so the line of a key is found by scanning the text: the n-th
``[[stores]]`` header, then the ``antenna =`` line inside that table. Values are never quoted
back, so a secret can never leak into a message.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from logistics.network.definition import key_path

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]#]+?)\s*\]\]?\s*(?:#.*)?$")
_DECODE_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")
_MESSAGES = {
    "missing": "required key is missing",
    "extra_forbidden": "unknown key (check its spelling, or remove it)",
    "string_pattern_mismatch": "a key uses only a-z, 0-9, '-' and '_', e.g. ixelles",
}


@dataclass(frozen=True)
class ConfigProblem:
    key: str
    line: int | None
    message: str
    env_var: str | None = None

    def render(self, file: Path | None) -> str:
        if self.env_var is not None:
            return f"environment variable {self.env_var}: {self.message}"
        where = str(file) if file is not None else "settings"
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class ConfigError(Exception):
    """A configuration that cannot be used; ``str()`` is the whole message for a person."""

    def __init__(self, file: Path | None, problems: Sequence[ConfigProblem]) -> None:
        self.file = file
        self.problems = list(problems)
        lines = [problem.render(file) for problem in self.problems]
        if len(lines) == 1:
            text = f"invalid configuration: {lines[0]}"
        else:
            text = "\n  ".join([f"invalid configuration ({len(lines)} problems):", *lines])
        super().__init__(text)

    @classmethod
    def single(cls, file: Path, line: int | None, key: str, message: str) -> ConfigError:
        return cls(file, [ConfigProblem(key, line, message)])


def syntax_error(file: Path, text: str, error: tomllib.TOMLDecodeError) -> ConfigError:
    message = str(error)
    position = _DECODE_POSITION.search(message)
    line: int | None = None
    if position is not None:
        message = message[: position.start()] + message[position.end() :]
        line = int(position[1]) if position[1] else max(len(text.splitlines()), 1)
        if position[2]:
            message += f" (column {position[2]})"
    return ConfigError.single(file, line, "", f"invalid TOML: {message}")


def validation_problems(
    error: ValidationError, text: str, raw: Mapping[str, Any], *, env: Mapping[str, str]
) -> list[ConfigProblem]:
    """One problem per error, each with its key path and line, in the order of the file."""
    problems: list[ConfigProblem] = []
    for item in error.errors(include_url=False, include_input=False):
        ctx = item.get("ctx") or {}
        details = ctx.get("problems") or [((), _message(item))]
        for sub_loc, message in details:
            problems.append(_problem(tuple(item["loc"]) + tuple(sub_loc), message, text, raw, env))
    return sorted(problems, key=lambda p: (p.env_var is None, p.line or 0))


def _problem(
    loc: tuple[str | int, ...],
    message: str,
    text: str,
    raw: Mapping[str, Any],
    env: Mapping[str, str],
) -> ConfigProblem:
    head = loc[0] if loc else ""
    if head in env:
        return ConfigProblem(str(head), None, message, env_var=env[head])
    if head == "network":
        loc = loc[1:]
    elif len(loc) == 1 and isinstance(raw.get("runtime"), dict) and head in raw["runtime"]:
        loc = ("runtime", *loc)
    return ConfigProblem(key_path(loc), line_of(text, loc), message)


def _message(item: Mapping[str, Any]) -> str:
    message = _MESSAGES.get(item["type"], item["msg"])
    return message.removeprefix("Value error, ")


def line_of(text: str, loc: Sequence[str | int]) -> int | None:
    """The line (from 1) of the key at ``loc``, or of its table when the key is absent."""
    lines = text.splitlines()
    headers = _headers(lines)
    parts = list(loc)
    header: int | None = None
    if len(parts) >= 2 and isinstance(parts[1], int):
        header = headers.get((str(parts[0]), parts[1]))
        parts = parts[2:] if header is not None else parts
    elif parts and (str(parts[0]), None) in headers:
        header = headers[(str(parts[0]), None)]
        parts = parts[1:]
    if not parts:
        return header
    start = header or 0  # the index of the line after the header
    key = re.compile(rf'^\s*(?:{re.escape(str(parts[0]))}|"{re.escape(str(parts[0]))}")\s*=')
    for number in range(start, len(lines)):
        if _HEADER.match(lines[number]):
            break
        if key.match(lines[number]):
            return number + 1
    return header


def _headers(lines: Sequence[str]) -> dict[tuple[str, int | None], int]:
    """``(name, index)`` of each ``[[name]]`` and ``(name, None)`` of each ``[name]`` → line."""
    found: dict[tuple[str, int | None], int] = {}
    counts: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        match = _HEADER.match(line)
        if match is None:
            continue
        name = re.sub(r'[\s"]', "", match[2])
        if match[1] == "[[":
            index = counts.get(name, 0)
            counts[name] = index + 1
            found[(name, index)] = number
        else:
            found.setdefault((name, None), number)
    return found
