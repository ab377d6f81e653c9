"""`python -m service_desk`: the service-desk process (see service_desk.bootstrap.main)."""

from service_desk.bootstrap import main

if __name__ == "__main__":
    main()
