"""The screens of pickups (logistics/pickups): claiming and the driver's lists, collecting and
delivering, release, /slots, /calendar, weights typed and the missed-collection answer.
"""
