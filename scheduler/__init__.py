"""When the periodic work runs (APScheduler): the jobs call the rules of logistics/, which
queue what is to be said; the jobs themselves decide nothing.
"""
