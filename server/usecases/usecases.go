// Package usecases wires RouteRisk's use cases together over one store
// and one cache: the library of loaded layers and its reader, the
// analyses, publishing, map images and offline packs. The HTTP routes call them; the
// command line builds them here, as the tests do.
package usecases

import (
	"io/fs"

	"github.com/routerisk/routerisk/geodata/coverage"
	"github.com/routerisk/routerisk/server/analysis"
	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/maps"
	"github.com/routerisk/routerisk/server/packs"
	"github.com/routerisk/routerisk/server/publishing"
	"github.com/routerisk/routerisk/server/reads"
)

// Set is every use case, over one store and one cache.
type Set struct {
	Library    *reads.Library
	Reader     *reads.Reader
	Analysis   *analysis.Service
	Publishing *publishing.Service
	Maps       *maps.Service
	Packs      *packs.Service
}

// Options tune the use cases; zero values take the defaults.
type Options struct {
	// UploadConcurrency bounds the uploads read at once (default 2).
	UploadConcurrency int
	// Basemap holds the offline basemap's TopoJSON files for images and,
	// in CountriesFile, the country boundaries that declared coverage is
	// drawn from; nil draws none and accepts no declared countries.
	Basemap fs.FS
}

// CountriesFile is the basemap file that holds the country boundaries.
const CountriesFile = "world-atlas_countries-50m.topojson.json"

// New wires the use cases over store and cache. Call Library.Load before
// serving.
func New(store publishing.Store, cache answers.Cache, o Options) *Set {
	if o.UploadConcurrency <= 0 {
		o.UploadConcurrency = 2
	}
	a := answers.New(cache)
	lib := reads.New(store)
	countries := coverage.NewCountries(nil)
	if o.Basemap != nil {
		countries = coverage.NewCountries(func() ([]byte, error) { return fs.ReadFile(o.Basemap, CountriesFile) })
	}
	reader := reads.NewReader(lib, a)
	an := analysis.New(lib, a, countries)
	return &Set{
		Library:    lib,
		Reader:     reader,
		Analysis:   an,
		Publishing: publishing.New(store, lib, o.UploadConcurrency, analysis.RiskSegmentsID).WithCountries(countries),
		Maps:       maps.New(lib, reader, an, a, o.Basemap),
		Packs:      packs.New(lib, reader, an, o.Basemap),
	}
}
