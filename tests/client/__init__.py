"""The client over real loopback sockets, sync and async: against a scripted server or the
sandbox (retries, faults, bulk and its journal, rate-limit bursts, secrets, odd values)."""
