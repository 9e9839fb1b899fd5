package risk

import (
	"context"
	"sync"
	"testing"

	"github.com/routerisk/routerisk/geodata/sea"
)

// TestRememberedPlacesMatchTheAtlas: the setting and search-and-rescue
// regions an analysis gives each segment, from the places remembered per
// segment length, are those the atlas gives the segment's midpoint, for
// every segment length, with and without a route filter, and when
// analyses of several lengths run at once.
func TestRememberedPlacesMatchTheAtlas(t *testing.T) {
	l := sampleLayers(t)
	a := NewAnalyser(l.routes, l.incidents, l.services)
	if a.atlas == nil {
		t.Fatal("the bundled atlas could not be read")
	}
	tests := []struct {
		name      string
		segmentKm float64
		routes    []string
	}{
		{"the default length", DefaultSegmentKm, nil},
		{"the default length, asked again", DefaultSegmentKm, nil},
		{"7 km, one route kept", 7, []string{"Central Mediterranean"}},
		{"7 km, every route", 7, nil},
		{"the longest segments", MaxSegmentKm, []string{"Central Mediterranean", "Western Africa / Atlantic route to the Canary Islands"}},
	}
	var wg sync.WaitGroup
	for _, tc := range tests {
		wg.Go(func() {
			p := DefaultParams(sampleDate)
			p.SegmentKm, p.Routes = tc.segmentKm, tc.routes
			res, q, err := a.analyse(context.Background(), p)
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				return
			}
			if q.located == nil {
				t.Errorf("%s: no places remembered", tc.name)
				return
			}
			atSea := 0
			for i, s := range res.Segments {
				c := q.cuts.cuts[i]
				want := a.placeOf(q.cuts.v[c.p0:c.p1])
				if s.Setting != want.setting || s.SRR != want.srr {
					t.Errorf("%s: segment %s is %s in %q, the atlas says %s in %q", tc.name, s.ID(), s.Setting, s.SRR, want.setting, want.srr)
					return
				}
				if s.Setting == sea.Sea {
					atSea++
				}
			}
			if atSea == 0 || atSea == len(res.Segments) {
				t.Errorf("%s: %d of %d segments at sea: the comparison tells nothing", tc.name, atSea, len(res.Segments))
			}
		})
	}
	wg.Wait()
}

// TestPlaceMemoIsBounded: asking every segment length keeps at most
// maxPlaceMemo of them.
func TestPlaceMemoIsBounded(t *testing.T) {
	l := sampleLayers(t)
	a := NewAnalyser(l.routes[:3], nil, nil)
	for km := 1; km <= 3*maxPlaceMemo; km++ {
		if a.placesFor(float64(km)) == nil {
			t.Fatal("no places without an atlas")
		}
		if n := len(a.located.byKm); n > maxPlaceMemo {
			t.Fatalf("after %d lengths the memo holds %d", km, n)
		}
	}
}
