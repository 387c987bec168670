"""The free-text surplus parser: ``20 kg pain, 3 caisses yaourts DLC 5/12, 18h-19h30`` read
into items, categories, dates, lots and a pickup window, in French and Dutch. Pure: no
database, no clock but the one it is given.
"""
