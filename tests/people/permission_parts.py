"""The parts of the permission matrix: who plays each role, in which language, and their
chats with the bot (one message or button press at a time, a second apart: people, not a
flood)."""

from __future__ import annotations

GROUP = -1001000000001
PEOPLE = {  # who plays each part, and the roles that part holds in the Ixelles antenna
    "coordinator": (100001, {"coordinator"}),
    "store_manager": (100003, {"store_manager"}),
    "driver": (100004, {"driver"}),
    "association": (100006, {"association"}),
    "stranger": (999001, set()),
    "suspended": (100007, set()),  # Lucas, a driver whose membership is suspended here
    "other_coordinator": (100002, set()),  # Joris coordinates Schaerbeek, not Ixelles
    "other_driver": (100005, set()),  # Karim drives for Schaerbeek
    "hub_staff": (100020, {"hub_staff"}),  # Hélène, at the Ixelles hub
    "other_hub_staff": (100021, set()),  # Bram, at another hub of the antenna
}
LANGUAGES = {
    100001: "fr",
    100002: "nl",
    100003: "fr",
    100004: "nl",
    100005: "fr",
    100020: "fr",
    100021: "nl",
}
NOT_YOURS = ("Ce n'est pas à vous de le faire", "Dat is niet aan jou")
# roles each person holds anywhere, for the commands (which do not depend on the antenna)
ANYWHERE = {
    "other_coordinator": {"coordinator"},
    "other_driver": {"driver"},
    "other_hub_staff": {"hub_staff"},
}


def may_use(part: str, roles: frozenset[str] | None) -> bool:
    held = PEOPLE[part][1] | ANYWHERE.get(part, set())
    return roles is None or bool(roles & held)


class Chats:
    def __init__(self, fake, clock) -> None:
        self.fake = fake
        self.clock = clock
        self.users = {
            part: fake.user(tid, first_name=part, language_code=LANGUAGES.get(tid, "fr"))
            for part, (tid, _) in PEOPLE.items()
        }
        fake.user(100008, language_code="nl")  # Pieter is told about deliveries
        fake.group(GROUP)

    def replies(self, part: str) -> int:
        tid = PEOPLE[part][0]
        return len([c for c in self.fake.calls(chat_id=tid, ok=True)])

    async def say(self, part: str, text: str) -> str:
        """Send a text, wait for the answer; returns the last text the person got."""
        self.clock.advance(seconds=1)  # people, not a flood
        before = self.replies(part)
        self.fake.send_text(self.users[part], text)
        await self.fake.wait_for(lambda: self.replies(part) > before)
        await self.fake.wait_idle(grace=0.05)
        calls = [c for c in self.fake.calls(chat_id=PEOPLE[part][0], ok=True)][before:]
        return " ".join(str(c.params.get("text") or c.params.get("caption") or "") for c in calls)

    async def press(self, part: str, data: str) -> str:
        """Press a button with this data on the person's latest message; returns the answer
        (the button's notice, or what was sent)."""
        tid = PEOPLE[part][0]
        self.clock.advance(seconds=1)
        before = self.replies(part)
        answers = len(self.fake.calls("answerCallbackQuery"))
        self.fake.press_button(self.users[part], self.fake.last_message(tid), data)
        await self.fake.wait_for(lambda: len(self.fake.calls("answerCallbackQuery")) > answers)
        answer = self.fake.calls("answerCallbackQuery")[answers].params.get("text", "")
        if not answer:  # a silent answer: what the press says comes as a message
            await self.fake.wait_for(lambda: len(self.fake.calls(chat_id=tid, ok=True)) > before)
        await self.fake.wait_idle(grace=0.05)
        sent = [c for c in self.fake.calls(chat_id=tid, ok=True)][before:]
        return " ".join([answer, *(str(c.params.get("text", "")) for c in sent)]).strip()
