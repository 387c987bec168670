"""The frame of every conversation: /start, the language, /help, /cancel, the answer to whatever no
other handler took, and the error handler.
"""
