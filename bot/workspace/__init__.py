"""The sales and admin workspace: one web application for the people behind the bot.

Sales see leads and requests to talk to a person in one list, assign them,
write notes and move them along; admins also review conversations, label what
the bot misunderstood, start the gated training and switch models.

Built on Starlette with Jinja2 templates, served by uvicorn. Why these and not
Sanic, which Rasa already ships: the lead, hand-off and account services are
plain synchronous SQLAlchemy, and Starlette runs synchronous endpoints in a
thread pool by itself, where under Sanic every call would need wrapping to
keep the event loop free; Jinja2 escapes every value by default, which the
hand-written pages had to remember line by line; signed cookie sessions come
with Starlette (itsdangerous), and its test client drives the real
application without a socket. Rasa pins Sanic 21.12, an end-of-life release
we could not upgrade on our own; Starlette has no such tie to Rasa's pins.
"""
