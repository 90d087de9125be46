// Stub until the serving slice lands its basemap (a local tile folder, MBTiles or PMTiles): no basemap.
export function addBasemap(map) {}
