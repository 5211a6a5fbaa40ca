"""Dialogs that return typed values and leave saving to the screen that opened them."""
