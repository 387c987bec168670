"""The scheduled messages as Telegram messages (logistics/broadcasts): the morning run sheet and
the evening summary, and /runsheet and /summary for coordinators.
"""
