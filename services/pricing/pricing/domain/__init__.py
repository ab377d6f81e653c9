"""The pure pricing rules: the model, the compiled rule book and the evaluator."""
