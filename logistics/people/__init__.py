"""People and what they may do: who is writing and in which roles, the permission checks every
rule makes, invitations and joining, the members coordinators manage, whether the bot can
write to someone, and a person's data shown (/mydata) or erased (/forgetme).
"""
