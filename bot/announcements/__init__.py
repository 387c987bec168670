"""The screens of announcements (logistics/announcements): /surplus typed or guided with buttons,
its echo, dates and lines not understood, a store's /mine and its changes, and the answer to a
recurring day.
"""
