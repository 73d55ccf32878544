"""Recognizers used by the signals layer: persons and organisations from tokens."""
