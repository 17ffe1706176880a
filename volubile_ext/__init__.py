"""volubile_ext: the Python client for the Volubile voice-AI API.

Start with :class:`Volubile` (or :class:`AsyncVolubile`); everything public is in ``__all__``.
"""

from ._version import __version__

__all__ = [
    "__version__",
]
