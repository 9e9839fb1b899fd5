package hotspot_test

import (
	"fmt"
	"net/url"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata/hotspot"
)

func Example() {
	// Query parameters as a map view would send them.
	v, _ := url.ParseQuery("zoom=6&datetime=2023-01-01/2023-12-31&cause=Drowning&weight=incidents")
	p, err := hotspot.ParseParams(v)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Key())

	// A cluster of drownings off Lampedusa and a few scattered elsewhere.
	var incidents []*geojson.Feature
	add := func(lon, lat float64, n int) {
		for range n {
			f := geojson.NewFeature(orb.Point{lon, lat})
			f.Properties = geojson.Properties{"date": "2023-06-14", "cause_category": "Drowning", "dead": 1.0, "missing": 2.0}
			incidents = append(incidents, f)
		}
	}
	for i := -2; i <= 2; i++ {
		for j := -2; j <= 2; j++ {
			add(12.6+0.15*float64(i), 35.5+0.15*float64(j), 2) // around Lampedusa
		}
	}
	for _, pt := range [][2]float64{{-5.6, 36.0}, {-15.4, 27.9}, {25.9, 40.8}, {33.0, 34.6}, {1.5, 51.0}, {-6.0, 35.0}, {23.0, 35.5}, {-16.9, 28.3}, {11.0, 33.9}, {14.5, 35.9}} {
		add(pt[0], pt[1], 1) // elsewhere
	}

	cells := hotspot.Compute(incidents, p)
	fmt.Println(len(cells), "cells in the study area,", len(hotspot.Notable(cells)), "worth drawing")
	for _, c := range cells {
		if c.Significant() {
			fmt.Printf("%s %s: %d incidents, z %.2f, p_fdr %.4g\n", c.ID, c.Class, c.Incidents, c.Z, c.PFDR)
		}
	}

	// The cells as GeoJSON features for the map.
	features := hotspot.Features(hotspot.Notable(cells))
	fmt.Println(len(features), "features, the first a", features[0].Geometry.GeoJSONType())
	// Output:
	// cause=Drowning&datetime=2023-01-01T00%3A00%3A00Z%2F2023-12-31T23%3A59%3A59.999999999Z&k=1&resolution=4&weight=incidents
	// 88 cells in the study area, 19 worth drawing
	// 84384d1ffffffff hot_99: 12 incidents, z 5.88, p_fdr 1.797e-07
	// 84384d3ffffffff hot_90: 0 incidents, z 2.69, p_fdr 0.069
	// 84384d5ffffffff hot_90: 0 incidents, z 2.69, p_fdr 0.069
	// 84384d9ffffffff hot_99: 18 incidents, z 7.14, p_fdr 7.946e-11
	// 84384dbffffffff hot_99: 6 incidents, z 5.56, p_fdr 7.696e-07
	// 84384ddffffffff hot_99: 6 incidents, z 4.93, p_fdr 1.782e-05
	// 84386b3ffffffff hot_95: 4 incidents, z 3.35, p_fdr 0.01004
	// 84386b7ffffffff hot_99: 0 incidents, z 4.05, p_fdr 0.0007366
	// 843f365ffffffff hot_99: 4 incidents, z 4.30, p_fdr 0.0002991
	// 19 features, the first a Polygon
}
