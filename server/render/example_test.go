package render_test

import (
	"bytes"
	"fmt"
	"image/png"
	"io/fs"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/frontend"
	"github.com/routerisk/routerisk/server/render"
)

// Render a report map of one route over the offline basemap, at twice
// the pixel density, and read back the PNG's size.
func ExampleRender() {
	topo, err := fs.ReadFile(frontend.Basemap(), "world-atlas_countries-110m.topojson.json")
	if err != nil {
		panic(err)
	}
	countries, err := render.LoadBasemap(topo) // load once, reuse for every image
	if err != nil {
		panic(err)
	}
	route := geojson.NewFeature(orb.LineString{{13.19, 32.89}, {12.6, 35.5}, {15.09, 37.5}})
	route.Properties["name"] = "Central Mediterranean"
	img, err := render.Render(render.Map{
		Width: 600, Height: 400, PixelRatio: 2,
		Bound:       orb.Bound{Min: orb.Point{9, 31}, Max: orb.Point{20, 39}},
		Basemap:     countries,
		Layers:      []render.Layer{{Title: "Migration routes", Style: render.StyleRoutes, Features: []*geojson.Feature{route}}},
		Title:       "Central Mediterranean",
		AsOf:        "2026-11-27",
		Attribution: "Natural Earth; world-atlas",
		Legend:      true,
	}, render.PNG)
	if err != nil {
		panic(err)
	}
	decoded, err := png.Decode(bytes.NewReader(img))
	if err != nil {
		panic(err)
	}
	fmt.Println(decoded.Bounds().Dx(), "×", decoded.Bounds().Dy(), "pixels")
	// Output: 1200 × 800 pixels
}
