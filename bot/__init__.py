"""The Telegram side, on aiogram: each domain's screens (bot/<domain>/, beside logistics/),
the conversation's frame, the outbox's sender, the wording of every message in French and
Dutch, the Bot API emulator, the demo and the command line. See docs/architecture.md.
"""
