"""Receiving the API's post-call webhook safely.

The signature scheme, in one place (`_signature`: :func:`sign_webhook`, :func:`verify_webhook`
and their errors), the payload's parsing into the typed call (`_payload`), and the small ASGI
and WSGI receivers built on both (`_receivers`). The public names are re-exported by
`volubile_ext`; import them from there.
"""
