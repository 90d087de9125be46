"""One SQL implementation of every repository, spoken through the Dialect each backend provides."""
