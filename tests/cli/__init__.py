"""The ``volubile`` command line, in process and as the installed console script."""
