package risk

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/risk/synthetic"
	"github.com/routerisk/routerisk/internal/testenv"
)

// benchSeed seeds the synthetic incident layers of the benchmarks.
const benchSeed = 1

// synthetic layers are generated once per size and test binary.
var synthLayers sync.Map // size → []*geojson.Feature

func incidentsOfSize(b *testing.B, n int) []*geojson.Feature {
	l := sampleLayers(b)
	if n == len(l.incidents) {
		return l.incidents
	}
	if v, ok := synthLayers.Load(n); ok {
		return v.([]*geojson.Feature)
	}
	f := synthetic.Incidents(l.incidents, n, benchSeed)
	synthLayers.Store(n, f)
	return f
}

// benchSizes are the incident layers of the benchmarks: the real bundled
// one (17,772 incidents) and synthetic ones of 200,000 and 1,000,000.
func benchSizes(b *testing.B) []int {
	return []int{len(sampleLayers(b).incidents), 200_000, 1_000_000}
}

// BenchmarkAnalyse runs the whole analysis (segmentation, incident
// counts and weights, coverage, priorities) over every bundled route with
// default parameters, on a prepared Analyser.
func BenchmarkAnalyse(b *testing.B) {
	l := sampleLayers(b)
	for _, n := range benchSizes(b) {
		b.Run("incidents="+strconv.Itoa(n), func(b *testing.B) {
			a := NewAnalyser(l.routes, incidentsOfSize(b, n), l.services)
			p := DefaultParams(sampleDate)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := a.Analyse(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// pgSegments is how many segments the count-and-sum benchmarks take, the
// size of the PostGIS reference query (2,000 segments of 10 km, 25 km).
const pgSegments = 2000

// BenchmarkCountAndSum2000 measures the part of the analysis a PostGIS
// query can do alone: for the first 2,000 segments of the bundled routes,
// count the incidents within 25 km and sum their weights. Compare with
// BenchmarkPostGISCountAndSum2000.
func BenchmarkCountAndSum2000(b *testing.B) {
	l := sampleLayers(b)
	for _, n := range benchSizes(b) {
		b.Run("incidents="+strconv.Itoa(n), func(b *testing.B) {
			a := NewAnalyser(l.routes, incidentsOfSize(b, n), l.services)
			p := DefaultParams(sampleDate)
			q := a.newQuery(p)
			q.cuts = cutRoutes(a.routes, nil, p.SegmentKm)
			segs := make([]Segment, pgSegments)
			sc := scratch{last: -1}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				for i := range segs {
					c := q.cuts.cuts[i]
					sc.arcs = sc.arcs[:0]
					verts := q.cuts.v[c.p0:c.p1]
					var sum vec3
					for j, v := range verts {
						sum = sum.add(v)
						if j > 0 {
							sc.arcs = append(sc.arcs, newArc(verts[j-1], v))
						}
					}
					centre := sum.normalize()
					h := 0.0
					for _, v := range verts {
						h = max(h, 1-centre.dot(v))
					}
					segs[i] = Segment{StartKm: c.startKm, EndKm: c.endKm}
					q.incidents(&segs[i], &sc, newDisc(centre, math.Sqrt(chordAsin2(h))*(1+1e-12)), q.exact, q.approx, q.approxScale)
				}
			}
		})
	}
}

// BenchmarkPostGISCountAndSum2000 runs the reference query in PostGIS on
// the same 2,000 segments and incidents: ST_DWithin on geography (the
// spheroid, PostGIS's default) with a GiST index, count and sum of dead +
// missing per segment. It reports the server's time as pg-ms/op; ns/op
// also holds starting psql. It is skipped without PostGIS.
func BenchmarkPostGISCountAndSum2000(b *testing.B) {
	url := postgisURL()
	if _, err := psql(url, "CREATE EXTENSION IF NOT EXISTS postgis;"); err != nil {
		testenv.Unavailable(b, fmt.Sprintf("PostGIS is not available at %s: %v", url, err))
	}
	l := sampleLayers(b)
	res, err := NewAnalyser(l.routes, nil, nil).Analyse(DefaultParams(sampleDate))
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range benchSizes(b) {
		b.Run("incidents="+strconv.Itoa(n), func(b *testing.B) {
			var sql strings.Builder
			sql.WriteString("DROP TABLE IF EXISTS bench_seg, bench_inc;\n" +
				"CREATE UNLOGGED TABLE bench_seg (id int PRIMARY KEY, g geography(LineString, 4326));\n" +
				"CREATE UNLOGGED TABLE bench_inc (id int PRIMARY KEY, g geography(Point, 4326), w float8);\nCOPY bench_seg FROM STDIN;\n")
			for i, s := range res.Segments[:pgSegments] {
				fmt.Fprintf(&sql, "%d\t%s\n", i, wkt(s.Geometry))
			}
			sql.WriteString("\\.\nCOPY bench_inc FROM STDIN;\n")
			for i, f := range incidentsOfSize(b, n) {
				pt := f.Geometry.(orb.Point)
				fmt.Fprintf(&sql, "%d\tSRID=4326;POINT(%s %s)\t%g\n", i, strconv.FormatFloat(pt[0], 'g', -1, 64),
					strconv.FormatFloat(pt[1], 'g', -1, 64), geodata.Count(f.Properties["dead"])+geodata.Count(f.Properties["missing"]))
			}
			sql.WriteString("\\.\nCREATE INDEX ON bench_inc USING gist (g);\nANALYZE bench_seg; ANALYZE bench_inc;\n")
			if _, err := psql(url, sql.String()); err != nil {
				b.Fatal(err)
			}
			defer psql(url, "DROP TABLE IF EXISTS bench_seg, bench_inc;")
			query := "SELECT 't', clock_timestamp();\n" +
				"CREATE TEMP TABLE bench_out AS SELECT s.id, count(i.id) AS n, coalesce(sum(i.w), 0) AS w " +
				"FROM bench_seg s LEFT JOIN bench_inc i ON ST_DWithin(s.g, i.g, 25000) GROUP BY s.id;\n" +
				"SELECT 't', clock_timestamp();\n"
			var server time.Duration
			b.ResetTimer()
			for b.Loop() {
				out, err := psql(url, query)
				if err != nil {
					b.Fatal(err)
				}
				var ts []time.Time
				for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
					if t, err := time.Parse("2006-01-02 15:04:05.999999-07", strings.TrimPrefix(line, "t,")); err == nil {
						ts = append(ts, t)
					}
				}
				if len(ts) == 2 {
					server += ts[1].Sub(ts[0])
				}
			}
			b.ReportMetric(float64(server.Milliseconds())/float64(b.N), "pg-ms/op")
		})
	}
}

// BenchmarkNewAnalyser measures the preparation of the three layers, done
// once per layer version.
func BenchmarkNewAnalyser(b *testing.B) {
	l := sampleLayers(b)
	for _, n := range benchSizes(b) {
		b.Run("incidents="+strconv.Itoa(n), func(b *testing.B) {
			inc := incidentsOfSize(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				NewAnalyser(l.routes, inc, l.services)
			}
		})
	}
}
