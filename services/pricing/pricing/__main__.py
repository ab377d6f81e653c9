"""`python -m pricing`: the pricing service process (see pricing.bootstrap.main)."""

from pricing.bootstrap import main

if __name__ == "__main__":
    main()
