"""The tests of logistics/people and the screens that use it: invitations, members, permissions
(the matrix of every role against every button and command), personal data and /forgetme.
"""
