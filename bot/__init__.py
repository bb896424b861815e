"""What claimbot does with the index: quote selection and verification, the answer chain, and the
entry points (CLI, later the API and Slack). Importing it does no work."""
