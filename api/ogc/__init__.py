"""OGC API - Features (Part 1 Core, Part 3 queryables as parameters) over the store, under the API's access rules."""
