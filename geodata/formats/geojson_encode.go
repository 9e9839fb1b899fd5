package formats

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// EncodeOptions shapes features on output.
type EncodeOptions struct {
	Properties []string // nil: all properties; otherwise only these
	Precision  int      // coordinate decimals; -1: as stored
}

// Full reports whether the options leave features as stored.
func (o EncodeOptions) Full() bool { return o.Properties == nil && o.Precision < 0 }

// AppendFeature appends f encoded as a GeoJSON Feature to dst. The feature
// itself is not modified.
func AppendFeature(dst []byte, f *geojson.Feature, o EncodeOptions) ([]byte, error) {
	out := *f
	if o.Properties != nil {
		props := make(geojson.Properties, len(o.Properties))
		for _, p := range o.Properties {
			if v, ok := f.Properties[p]; ok {
				props[p] = v
			}
		}
		out.Properties = props
	}
	if o.Precision >= 0 && f.Geometry != nil {
		out.Geometry = orb.Round(orb.Clone(f.Geometry), int(math.Pow10(o.Precision)))
	}
	b, err := json.Marshal(out)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// Link is a hypermedia link of a feature collection.
type Link struct {
	Rel  string `json:"rel"`
	Type string `json:"type,omitempty"`
	Href string `json:"href"`
}

// AppendCollection frames pre-encoded features as a GeoJSON
// FeatureCollection with the OGC API – Features paging members.
func AppendCollection(dst []byte, features [][]byte, matched int, links []Link) []byte {
	dst = append(dst, `{"type":"FeatureCollection","numberMatched":`...)
	dst = strconv.AppendInt(dst, int64(matched), 10)
	dst = append(dst, `,"numberReturned":`...)
	dst = strconv.AppendInt(dst, int64(len(features)), 10)
	if len(links) > 0 {
		lb, _ := json.Marshal(links) // a slice of plain strings cannot fail
		dst = append(dst, `,"links":`...)
		dst = append(dst, lb...)
	}
	dst = append(dst, `,"features":[`...)
	for i, f := range features {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, f...)
	}
	return append(dst, "]}"...)
}
