"""`python -m sales_docs`: the sales-docs service process; `python -m sales_docs migrate`
only migrates (see sales_docs.bootstrap.main)."""

from sales_docs.bootstrap import main

if __name__ == "__main__":
    main()
