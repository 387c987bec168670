"""The screens of a hub's stock (logistics/stock): /stock, its pages and buttons, and the kilograms
typed for a loss or a count.
"""
