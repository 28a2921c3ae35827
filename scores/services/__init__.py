"""Writes of the scores app, one module each: matches (and scorer rights), API tokens, and
scoring, whose `command_submit` is the one way a scorer's command is stored and broadcast."""
