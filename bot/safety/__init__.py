"""The screens of food safety (logistics/safety): /recall and its steps and reports, /register and
its files, and the words for dates on food.
"""
