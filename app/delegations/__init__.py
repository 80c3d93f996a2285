"""Delegations: the focal points organisers appoint for a country (``User.is_focal_point``,
always for their own account's country) see their delegation's registrations and needs on
"My delegation", and hand a departing delegate's registrations, working-group seats, call
invitations and poll answers over to a successor in one step.

It sits above registrations, working groups and bilaterals (it moves their rows). Importing
its services loads no views: the app factory plugs in what ``FEATURE`` names."""

from app.core.features import Feature

FEATURE = Feature(__name__)
