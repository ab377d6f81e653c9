"""`python -m contacts`: the contacts service process (see contacts.bootstrap.main)."""

from contacts.bootstrap import main

if __name__ == "__main__":
    main()
