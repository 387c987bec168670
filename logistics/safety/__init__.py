"""Food safety (AFSCA / FAVV): use-by and best-before dates and what they allow, the
traceability register of every movement of food, and recalls with the places to tell.
"""
