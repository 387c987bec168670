"""The demo: a day of the example network played on the local Bot API emulator.

``python -m bot demo`` runs ``bot.demo.run.run_demo``; ``script`` holds the day's steps,
``stage`` what they act with, ``cast`` the people, ``transcript`` what is printed.
"""
