package geodata

import (
	"fmt"
	"regexp"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Kind says what a layer holds, which fixes its normalised properties,
// the geometry types it accepts and the filters it answers.
type Kind string

// The kinds of layer.
const (
	KindRoute    Kind = "route"
	KindIncident Kind = "incident"
	KindService  Kind = "service"
	KindArea     Kind = "area"
	// KindExposure is a table of monthly counts of crossings per migration
	// route (properties route, month YYYY-MM, count), the denominators of
	// deaths per crossing. Its features have no geometry, or a point for
	// the monitoring site that counted them.
	KindExposure Kind = "exposure"
	// KindEvent is a context layer of dated events that are not migrant
	// deaths, such as conflict and unrest from an ACLED export (date,
	// event_type, actor1, fatalities, …): drawn as points, never read by
	// the risk analysis, the priorities, the hotspots or the backtest,
	// which read incident layers only.
	KindEvent Kind = "event"
	// KindSegment is a layer the server derives (route segments with their
	// risk); it is never uploaded, so Valid does not accept it.
	KindSegment Kind = "segment"
)

// KindNames lists the kinds a layer may be uploaded as, for messages.
const KindNames = "route, incident, service, area, exposure, event"

// Drawn reports whether layers of kind k are drawn on a map: every kind
// but exposure, whose features are rows of a table.
func (k Kind) Drawn() bool { return k != KindExposure }

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindRoute, KindIncident, KindService, KindArea, KindExposure, KindEvent:
		return true
	}
	return false
}

// Sensitivity says who may see a layer at full precision.
type Sensitivity string

// Sensitivities.
const (
	Public     Sensitivity = "public"
	Restricted Sensitivity = "restricted"
)

// Source is one origin of a layer's data with the attribution its licence asks for.
type Source struct {
	Name        string `json:"name"`
	URL         string `json:"url,omitempty"`
	License     string `json:"license"`
	Attribution string `json:"attribution"`
}

// Field describes one property in a layer's schema.
type Field struct {
	Name string `json:"name"`
	Type string `json:"type"` // string, integer, number, boolean, date
}

// Meta is a layer's metadata (docs/architecture.md §5).
type Meta struct {
	ID           string      `json:"id"`
	Kind         Kind        `json:"kind"`
	Title        string      `json:"title"`
	Description  string      `json:"description,omitempty"`
	Sources      []Source    `json:"sources"`
	Sensitivity  Sensitivity `json:"sensitivity"`
	Version      int         `json:"version"`
	UpdatedAt    time.Time   `json:"updated_at"`
	UpdatedBy    string      `json:"updated_by"`
	FeatureCount int         `json:"feature_count"`
	BBox         []float64   `json:"bbox,omitempty"` // minLon, minLat, maxLon, maxLat
	Schema       []Field     `json:"schema"`
	TimeProperty string      `json:"time_property,omitempty"`
	// Coverage is a service layer's declared coverage (countries and/or
	// an area); nil when it is computed from its points.
	Coverage *Coverage `json:"coverage,omitempty"`
	// CoverageSource is CoverageDeclared or CoverageComputed for a
	// service layer, "" for other kinds.
	CoverageSource string `json:"coverage_source,omitempty"`
}

var layerIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ValidLayerID reports whether id is a usable layer slug: lower-case
// letters, digits and hyphens, 1–63 characters, not starting with a hyphen.
func ValidLayerID(id string) bool { return layerIDPattern.MatchString(id) }

// Layer is one version of a layer: its metadata and its features.
type Layer struct {
	Meta     Meta
	Features []*geojson.Feature
}

// Summarise fills FeatureCount, BBox and Schema of l.Meta from its features
// (and makes Sources an empty list rather than none).
// Schema types are inferred from the values: a property seen with more than
// one JSON type is reported as "string".
func (l *Layer) Summarise() {
	l.Meta.FeatureCount = len(l.Features)
	if l.Meta.Sources == nil {
		l.Meta.Sources = []Source{}
	}
	var b orb.Bound
	first := true
	types := map[string]string{}
	var order []string
	for _, f := range l.Features {
		if f.Geometry != nil {
			fb := f.Geometry.Bound()
			if first {
				b, first = fb, false
			} else {
				b = b.Union(fb)
			}
		}
		for k, v := range f.Properties {
			t := jsonType(v)
			if t == "" {
				continue
			}
			old, seen := types[k]
			switch {
			case !seen:
				types[k] = t
				order = append(order, k)
			case old != t:
				if (old == "integer" && t == "number") || (old == "number" && t == "integer") {
					types[k] = "number"
				} else {
					types[k] = "string"
				}
			}
		}
	}
	if first {
		l.Meta.BBox = nil
	} else {
		l.Meta.BBox = []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	}
	if l.Meta.TimeProperty != "" {
		if _, ok := types[l.Meta.TimeProperty]; ok {
			types[l.Meta.TimeProperty] = "date"
		}
	}
	schema := make([]Field, 0, len(order))
	for _, k := range order {
		schema = append(schema, Field{Name: k, Type: types[k]})
	}
	sortFields(schema)
	l.Meta.Schema = schema
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return "string"
	case bool:
		return "boolean"
	case int, int64, int32:
		return "integer"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case float32:
		return "number"
	default:
		return "string"
	}
}

func sortFields(fs []Field) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Name < fs[j-1].Name; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// HasField reports whether the schema lists a property named name.
func (m Meta) HasField(name string) bool {
	for _, f := range m.Schema {
		if f.Name == name {
			return true
		}
	}
	return false
}

// Validate checks the metadata a store needs before it accepts a version.
func (m Meta) Validate() error {
	if !ValidLayerID(m.ID) {
		return Errorf(Invalid, "layer id %q is not valid: use 1–63 lower-case letters, digits or hyphens", m.ID)
	}
	if !m.Kind.Valid() {
		return Errorf(Invalid, "layer kind %q is not one of %s", m.Kind, KindNames)
	}
	if m.Sensitivity != Public && m.Sensitivity != Restricted {
		return Errorf(Invalid, "sensitivity %q is not public or restricted", m.Sensitivity)
	}
	if m.Title == "" {
		return Errorf(Invalid, "layer %s has no title", m.ID)
	}
	if !m.Coverage.Empty() && m.Kind != KindService {
		return Errorf(Invalid, "layer %s is a %s layer; only a service layer declares a coverage (coverage_countries, coverage_area)", m.ID, m.Kind)
	}
	return nil
}

// String names the layer version for logs.
func (m Meta) String() string { return fmt.Sprintf("%s@v%d", m.ID, m.Version) }
