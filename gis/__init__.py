"""Place: grids, coordinate systems and the in-memory spatial indexes every stage uses."""
