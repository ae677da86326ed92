"""``bot web``: the sub-command is registered and hands its options to the server."""

from __future__ import annotations

import argparse

from bot.cli import build_parser
from bot.web import cli


def parse(argv):
    parser = argparse.ArgumentParser(prog="bot")
    cli.register(parser.add_subparsers())
    return parser.parse_args(argv)


def test_web_is_a_command_of_bot():
    args = build_parser().parse_args(["web"])

    assert args.handler is cli.handle_web


def test_options_reach_the_server(monkeypatch, web_settings):
    calls = []
    monkeypatch.setattr("bot.web.server.serve", lambda settings, **kw: calls.append((settings, kw)))
    args = parse(["web", "--port", "8123", "--bot-url", "https://bot.example"])

    assert args.handler(args, web_settings) == 0
    assert calls == [(web_settings, {"port": 8123, "bot_url": "https://bot.example"})]


def test_defaults_come_from_the_settings(monkeypatch, web_settings):
    calls = []
    monkeypatch.setattr("bot.web.server.serve", lambda settings, **kw: calls.append(kw))
    args = parse(["web"])

    args.handler(args, web_settings)

    assert calls == [{"port": None, "bot_url": None}]


def test_an_unusable_bot_url_is_reported(web_settings, capsys):
    args = parse(["web", "--port", "0", "--bot-url", "ftp://bot"])

    assert args.handler(args, web_settings) == 1
    assert "http(s) URL" in capsys.readouterr().err
