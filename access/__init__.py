"""Who may see and do what: accounts, roles and scopes, object-level policy, tokens, lockout and rate limits."""
