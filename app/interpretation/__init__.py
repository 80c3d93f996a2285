"""Simultaneous interpretation: demand, channels, interpreters and assignments.

Importing a module of this package (its models, its services) loads no views: the app
factory plugs in what ``FEATURE`` names."""

from app.core.features import Feature

FEATURE = Feature(
    __name__,
    hooks=("audience", "bilateral_calls", "calendar_hooks", "personal_data",
           "preparation_views", "small_groups"),
    commands=("cli:assign_interpreters_command",),
)
