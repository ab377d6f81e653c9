"""`python -m activities`: the activities service process (see activities.bootstrap.main)."""

from activities.bootstrap import main

if __name__ == "__main__":
    main()
