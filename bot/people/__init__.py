"""The screens of people (logistics/people): invitations and joining, /members, /mydata and
/forgetme.
"""
