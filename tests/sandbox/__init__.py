"""The sandbox on its own: its HTTP server, request handling, faults, log, lifecycle, parts."""
