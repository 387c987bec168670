"""The tests of logistics/reports: the monthly report and its command, reliability, a pickup's
history.
"""
