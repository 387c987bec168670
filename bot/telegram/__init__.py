"""The bot's side of the Bot API: the outbox's sender within Telegram's limits, the HTTP session,
edits made only when something changes, and incoming floods and duplicate updates.
"""
