"""The tests of logistics/broadcasts: the run sheet, the evening summary and its chart, reminders
and follow-ups.
"""
