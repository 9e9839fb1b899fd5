/**
 * How far beyond the view every canvas of the map is drawn, as a fraction of
 * the view on each side (Leaflet's own default). Each canvas costs its area in
 * pixels at every redraw and every compositor commit: 0.5 drew four times the
 * view per canvas, and with a dozen canvases the first render spent over a
 * second committing pixels nobody could see. A pan past the margin is redrawn
 * when it ends.
 */
export const MAP_PADDING = 0.1;
