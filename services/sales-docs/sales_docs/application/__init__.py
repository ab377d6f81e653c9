"""Use cases: one function and one transaction each, storing the state change and its event together."""
