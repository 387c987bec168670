"""The screens of the network's settings (logistics/network): /antenna, the associations'
distribution days, the antenna's group chat.
"""
