"""What stands between the internet and Rasa: guarded channels, a tracker store
that outlives database outages, and the launchers of the Rasa and action servers.

Everything here plugs into Rasa's own extension points (custom channels in
``credentials.yml``, a tracker store class in ``endpoints.yml``) rather than
patching Rasa.
"""
