"""A store's announcement as the bot understood it, before it is stored: kept in the
conversation (``to_data`` / ``from_data``) until the store confirms."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime


@dataclass(frozen=True)
class DraftItem:
    category_id: int
    category_key: str
    name_fr: str
    name_nl: str
    text: str
    quantity: float
    unit: str
    cold_chain: str
    estimated_kg: float | None
    use_by: date | None = None  # local calendar dates (DLC / TGT, DDM / THT)
    best_before: date | None = None
    lot: str | None = None
    date_kind: str = "none"  # the category's: "use_by" | "best_before" | "none"
    grace_days: int = 0  # the category's: a best-before date may be passed by this many days

    def to_data(self) -> dict:
        data = asdict(self)
        for key in ("use_by", "best_before"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_data(cls, data: dict) -> DraftItem:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("use_by", "best_before"):
            values[key] = date.fromisoformat(values[key]) if values.get(key) else None
        return cls(**values)


@dataclass(frozen=True)
class Draft:
    """What the bot understood, kept in the conversation until the store confirms."""

    store_id: int
    items: tuple[DraftItem, ...]
    window_start: datetime | None
    window_end: datetime | None
    window_source: str | None  # "text" | "default" | "kept" (a changed pickup's own)
    not_understood: tuple[str, ...]
    problems: tuple[str, ...]
    text: str
    donation_id: int | None = None  # a recurring slot's day, waiting for its quantities
    dropped: tuple[str, ...] = ()  # lines not understood that the store chose to leave out
    photo_file_id: str | None = None  # the photo the announcement came with (Telegram's id)
    today: date | None = None  # the antenna's day when it was drafted: dates are read from it

    @property
    def ready(self) -> bool:
        return (
            bool(self.items)
            and self.window_start is not None
            and "window_past" not in self.problems
        )

    @property
    def estimated_kg(self) -> float:
        return round(sum(i.estimated_kg or 0 for i in self.items), 1)

    def to_data(self) -> dict:
        data = asdict(self)
        data["items"] = [item.to_data() for item in self.items]
        data["window_start"] = self.window_start.isoformat() if self.window_start else None
        data["window_end"] = self.window_end.isoformat() if self.window_end else None
        data["today"] = self.today.isoformat() if self.today else None
        return data

    @classmethod
    def from_data(cls, data: dict) -> Draft:
        return cls(
            store_id=data["store_id"],
            items=tuple(DraftItem.from_data(i) for i in data["items"]),
            window_start=datetime.fromisoformat(data["window_start"])
            if data["window_start"]
            else None,
            window_end=datetime.fromisoformat(data["window_end"]) if data["window_end"] else None,
            window_source=data["window_source"],
            not_understood=tuple(data["not_understood"]),
            problems=tuple(data["problems"]),
            text=data["text"],
            donation_id=data.get("donation_id"),
            dropped=tuple(data.get("dropped", ())),
            photo_file_id=data.get("photo_file_id"),
            today=date.fromisoformat(data["today"]) if data.get("today") else None,
        )
