"""Illustrated stage pages: figure specs (spec), colours (palette), SVG drawing (draw, anatomy, render)."""
