"""The tests of logistics/network and the screens that use it: config.toml, seeding, the antenna's
settings and group.
"""
