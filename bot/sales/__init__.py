"""The sales inbox: a password-protected web page where sales follows up leads.

Separate from the public demo site (``bot/web``) because it shows personal
data: its own port, its own login, and nothing in it is reachable unsigned.
"""
