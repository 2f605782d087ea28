"""ECIF: the enterprise customer information facility."""
