"""A synthetic town to develop and demonstrate on: grids, cameras, sensors and teams, and their files."""
