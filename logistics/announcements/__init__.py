"""A store's surplus, from its manager's words to an announced donation: the draft and what it
still needs (dates, lines not understood), announcing by text or with buttons, and what a
store sees and may still change or call off. The free-text parser is ``parsing``.
"""
