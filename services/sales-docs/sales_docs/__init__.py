"""Sales documents: the chain from opportunity to receipt of a Thai B2B seller."""
