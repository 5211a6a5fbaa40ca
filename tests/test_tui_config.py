"""User key overrides from the config file reach the running app."""

from __future__ import annotations

import gc
import os
from datetime import date

import pytest

from tallytui.domain.errors import TallyError
from tallytui.store.db import open_database
from tallytui.store.models import db
from tallytui.ui.app import TallyApp, styles_path
from tallytui.ui.config import load_keymap
from tallytui.ui.context import Session


def test_keymap_file(tmp_path):
    path = tmp_path / "config.toml"
    assert load_keymap(path) == {}
    path.write_text('[keymap]\n"review.previous" = "h"\n"review.next" = "l"\n')
    assert load_keymap(path) == {"review.previous": "h", "review.next": "l"}
    path.write_text("[keymap\n")
    with pytest.raises(TallyError, match="config.toml"):
        load_keymap(path)
    path.write_text('[keymap]\n"review.next" = 3\n')
    with pytest.raises(TallyError, match="maps binding ids"):
        load_keymap(path)


def test_stylesheet_is_found():
    assert styles_path().name == "tally.tcss"


async def test_overridden_key_moves_the_week(org):
    open_database(os.environ["TALLY_DB"])
    app = TallyApp(Session("anna", "tally.db"), "Europe/Berlin", {"review.previous": "h"})
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            for _ in range(50):
                await pilot.pause(0.02)
                if app.screen.week is not None:
                    break
            await pilot.press("h")
            for _ in range(50):
                await pilot.pause(0.02)
                if app.screen.week.first == date(2026, 11, 9):
                    break
            assert app.screen.week.first == date(2026, 11, 9)
    finally:
        db.close()


async def test_session_objects_are_set_aside_from_the_collector_while_running(org):
    """`tally` starts with the collector off; the first screen turns it back on, and
    young objects are collected less often while the app runs."""
    open_database(os.environ["TALLY_DB"])
    app = TallyApp(Session("anna", "tally.db"), "Europe/Berlin")
    before = gc.get_threshold()
    gc.disable()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert gc.get_freeze_count() > 10_000
            assert gc.isenabled()
            assert gc.get_threshold() == (10_000, *before[1:])
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold() == before
    finally:
        gc.enable()
        db.close()


async def test_styles_are_parsed_once_until_the_theme_changes(org, monkeypatch):
    """Opening the first area parses the stylesheet once; a new theme parses it again
    with the new colours, and the screen shows them."""
    from textual.css import stylesheet

    parsed = []
    real_parse = stylesheet.parse

    def counting_parse(scope, css, read_from, *args, **kwargs):
        parsed.append(read_from[0])
        return real_parse(scope, css, read_from, *args, **kwargs)

    monkeypatch.setattr(stylesheet, "parse", counting_parse)
    open_database(os.environ["TALLY_DB"])
    app = TallyApp(Session("anna", "tally.db"), "Europe/Berlin")
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert parsed.count(str(styles_path())) == 1
            status = app.screen.query_one("StatusLine")
            dark = status.styles.background
            app.theme = "textual-light"
            await pilot.pause()
            await pilot.pause()
            assert parsed.count(str(styles_path())) == 2
            assert status.styles.background != dark
    finally:
        db.close()
