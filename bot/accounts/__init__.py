"""Workspace accounts: one per person, with a role (sales or admin).

Who did what in the workspace (assigned a lead, wrote a note, trained a model)
is recorded by account name, so the sales team no longer shares one password.
"""
