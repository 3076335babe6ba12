"""Views of the plans app, one module per part of the work."""
