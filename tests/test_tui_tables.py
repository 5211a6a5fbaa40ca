"""The table every area uses: cells as typed, columns as wide as what they hold."""

from __future__ import annotations

from textual.app import App

from tallytui.ui.widgets.plain_table import PlainTable


class Shell(App):
    CSS = "PlainTable { width: 1fr; height: 1fr; }"  # as the areas size their tables

    def compose(self):
        yield PlainTable()


def _shown(app) -> str:
    return app.export_screenshot().replace("&#160;", " ")


async def test_columns_widen_to_new_rows_even_after_a_frame_drawn_before():
    app = Shell()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one(PlainTable)
        table.add_columns("Project", "Client")
        await pilot.pause()
        table.add_row("Nordlicht Workshop", "[/b] Logistics")
        assert "Nordlicht Workshop" not in _shown(app)  # drawn before the row was measured
        await pilot.pause(0.1)
        shown = _shown(app)
        assert "Nordlicht Workshop" in shown and "[/b] Logistics" in shown
