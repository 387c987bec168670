"""The Telegram side: the emulator, the outbox and its limits, formatting and catalogs, hostile and
repeated input, and the bot as a real process.
"""
