"""`make bench`: the platform's performance figures (events, gRPC, HTTP) against their
targets, printed as they are measured and saved as a Markdown table in var/bench-results.md.
Benchmarks report; they never fail a build over a missed target."""
