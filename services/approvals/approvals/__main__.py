"""`python -m approvals`: the approvals service process (see approvals.bootstrap.main)."""

from approvals.bootstrap import main

if __name__ == "__main__":
    main()
