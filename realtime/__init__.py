"""Thin shared WebSocket plumbing: groups, encode-once broadcast, resume and presence.

Knows Channels but no app: apps import from here, never the reverse.
"""
