"""What the scheduler says on its own, each message queued exactly once: the morning run sheet,
the evening summary with its weekly chart, the reminders and alerts of the periodic check,
and the follow-ups of work left half done.
"""
