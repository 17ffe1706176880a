"""Unit tests: the pure parts (time slots, days, holidays, recipients, planning, campaign
input, errors, Retry-After, the limiter's arithmetic, auth flows over a mock transport)."""
