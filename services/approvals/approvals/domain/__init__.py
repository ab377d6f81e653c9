"""Approval policies, routing, delegation and escalation as pure rules."""
