"""The tests of logistics/announcements: the free-text parser and the phrasings stores really
write, the guided announcement, lines not understood, and a store's own announcements.
"""
