"""The campaign domain: what a campaign is made of, before and apart from the wire.

Time slots and the allowed calling windows (`_timeslots`), days (`_days`), recipients and
their phone numbers (`_recipients`), French public holidays (`_holidays`), the create
request's fields as the spec declares them (`_fields`), the rule set that turns forgiving
input into one canonical request (`_campaign_input`), plans and creation warnings
(`_planning`), bulk creation with its journal (`_bulk`), and the one step that prepares a
create from all of them (`_prepare`). The public names are re-exported by `volubile_ext`;
import them from there.
"""
