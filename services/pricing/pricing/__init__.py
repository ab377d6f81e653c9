"""Pricing: what a customer pays for these lines today, and why."""
