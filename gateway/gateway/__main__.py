"""`python -m gateway migrate` and `python -m gateway create-admin --email ... --password ...`."""

from gateway.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
