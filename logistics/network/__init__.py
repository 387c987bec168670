"""The network itself: antennas, hubs, stores, associations and categories as config.toml
describes and seeds them, their opening hours, and the settings coordinators change (an
antenna's times, its group chat, the days each association hands food out).
"""
