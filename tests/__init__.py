"""The tests: tests/<domain>/ beside each package, tests/bot and tests/storage, and at the top
the fixtures, the harness, the day of an antenna and the whole-system tests.
"""
