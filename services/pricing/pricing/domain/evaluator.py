"""Evaluate: the price of a document for one customer on one day, with every rule explained."""

from __future__ import annotations

from pricing.domain.model import Evaluation, EvaluationRequest, Usage
from pricing.domain.rulebook import RuleBook


def evaluate(book: RuleBook, request: EvaluationRequest, usage: Usage) -> Evaluation:
    """Prices `request` with the rules of `book` (being implemented)."""
    raise NotImplementedError
