"""Pure rules of the sales chain: states, amounts, Thai tax, numbering patterns."""
