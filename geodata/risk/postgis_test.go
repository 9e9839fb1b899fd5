package risk

import (
	"bytes"
	"fmt"
	"github.com/routerisk/routerisk/internal/testenv"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/routerisk/routerisk/geodata"
)

// postgisURL is the PostgreSQL server with PostGIS that the cross-check
// uses: ROUTERISK_TEST_POSTGIS_URL, or the local server of the
// development machines. The test creates only temporary tables.
func postgisURL() string {
	if u := os.Getenv("ROUTERISK_TEST_POSTGIS_URL"); u != "" {
		return u
	}
	return "postgresql://postgres@127.0.0.1:5432/test"
}

// psql runs a script through psql against url and returns its unaligned,
// comma-separated output.
func psql(url, script string) (string, error) {
	cmd := exec.Command("psql", url, "-X", "-q", "-A", "-t", "-F", ",", "-v", "ON_ERROR_STOP=1", "-f", "-")
	cmd.Stdin = strings.NewReader(script)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%v: %s", err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

func requirePostGIS(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("psql"); err != nil {
		testenv.Unavailable(t, "psql is not installed; install it with: apt-get install -y postgresql-client")
	}
	url := postgisURL()
	if _, err := psql(url, "CREATE EXTENSION IF NOT EXISTS postgis;\nSELECT postgis_lib_version();\n"); err != nil {
		testenv.Unavailable(t, fmt.Sprintf("PostGIS is not available at %s (%v); install and start it with: "+
			"apt-get install -y postgresql-15-postgis-3 && pg_ctlcluster 15 main start, or set ROUTERISK_TEST_POSTGIS_URL", url, err))
	}
	return url
}

func wkt(g orb.LineString) string {
	var b strings.Builder
	b.WriteString("SRID=4326;LINESTRING(")
	for i, p := range g {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatFloat(p[0], 'g', -1, 64))
		b.WriteByte(' ')
		b.WriteString(strconv.FormatFloat(p[1], 'g', -1, 64))
	}
	b.WriteByte(')')
	return b.String()
}

// TestPostGISCrossCheck computes, for segments of the bundled routes (all
// with -risk.full) and the bundled incidents, the incidents within
// radius_km and the risk in PostGIS, on geography, and compares:
//
//   - on the sphere (use_spheroid = false, PostGIS's sphere of radius
//     (2a + b)/3, which is EarthRadiusKm): segment lengths to 10⁻⁹
//     relative; counts exactly, but for incidents within a millimetre of
//     the radius; risk (severity, recency and kernel computed in SQL from
//     the raw properties and ST_Distance) to 10⁻⁶ relative;
//   - on the WGS84 spheroid (ST_DWithin's default): counts may differ only
//     by incidents whose spherical distance is within 0.5 % of the radius,
//     the most by which spheroidal and spherical distances differ.
func TestPostGISCrossCheck(t *testing.T) {
	url := requirePostGIS(t)
	l := sampleLayers(t)
	// PostGIS checks the geometry and the classic weight (severity ×
	// recency × kernel): source-quality weights, the severity cap and the
	// spreading of approximate incidents are checked by the brute-force
	// comparison (crosscheck_test.go).
	p := DefaultParams(sampleDate)
	p.QualityFloor, p.SeverityCap, p.ApproxRadiusKm = 1, MaxSeverityCap, p.RadiusKm
	p.Routes = checkedRoutes()
	res, err := NewAnalyser(l.routes, l.incidents, l.services).Analyse(p)
	if err != nil {
		t.Fatal(err)
	}
	var sql strings.Builder
	sql.WriteString("BEGIN;\n")
	sql.WriteString("CREATE TEMP TABLE seg (id int PRIMARY KEY, g geography(LineString, 4326), r float8) ON COMMIT DROP;\n")
	sql.WriteString("CREATE TEMP TABLE inc (id int PRIMARY KEY, g geography(Point, 4326), dead float8, missing float8, day date) ON COMMIT DROP;\n")
	sql.WriteString("COPY seg FROM STDIN;\n")
	for i, s := range res.Segments {
		fmt.Fprintf(&sql, "%d\t%s\t%g\n", i, wkt(s.Geometry), s.RadiusKm*1000) // the segment's own radius (sea_radius_km at sea)
	}
	sql.WriteString("\\.\nCOPY inc FROM STDIN;\n")
	for i, f := range l.incidents {
		pt, ok := f.Geometry.(orb.Point)
		if !ok {
			continue
		}
		day := `\N`
		if d, ok := geodata.ParseDate(f.Properties["date"]); ok {
			day = d.Format(time.DateOnly)
		}
		fmt.Fprintf(&sql, "%d\tSRID=4326;POINT(%s %s)\t%s\t%s\t%s\n", i,
			strconv.FormatFloat(pt[0], 'g', -1, 64), strconv.FormatFloat(pt[1], 'g', -1, 64),
			strconv.FormatFloat(geodata.Count(f.Properties["dead"]), 'g', -1, 64), strconv.FormatFloat(geodata.Count(f.Properties["missing"]), 'g', -1, 64), day)
	}
	fmt.Fprintf(&sql, `\.
CREATE INDEX ON inc USING gist (g);
ANALYZE seg; ANALYZE inc;
CREATE TEMP TABLE w ON COMMIT DROP AS
SELECT id, g,
       CASE WHEN dead + missing > 0 THEN dead + missing ELSE %[2]g END AS severity,
       exp(-ln(2) * ('%[3]s'::date - coalesce(day, (SELECT min(day) FROM inc))) / %[4]g) AS recency
FROM inc WHERE day IS NULL OR day <= '%[3]s'::date;
CREATE INDEX ON w USING gist (g);
ANALYZE w;
SELECT 'timing', clock_timestamp();
SELECT s.id, ST_Length(s.g, false) / 1000, ST_Length(s.g) / 1000,
       count(*) FILTER (WHERE x.sphere),
       coalesce(sum(x.severity * x.recency * power(1 - power(x.d / s.r, 2), 2)) FILTER (WHERE x.sphere), 0),
       count(*) FILTER (WHERE x.spheroid),
       count(*) FILTER (WHERE abs(x.d - s.r) <= s.r * 0.005),
       count(*) FILTER (WHERE abs(x.d - s.r) <= 0.001)
FROM seg s LEFT JOIN LATERAL (
  SELECT w.severity, w.recency, ST_Distance(s.g, w.g, false) AS d,
         ST_DWithin(s.g, w.g, s.r, false) AS sphere, ST_DWithin(s.g, w.g, s.r) AS spheroid
  FROM w WHERE ST_DWithin(s.g, w.g, s.r * 1.006, false)) x ON true
GROUP BY s.id ORDER BY s.id;
SELECT 'timing', clock_timestamp();
COMMIT;
`, 0, p.NonFatalWeight, p.ReferenceDate.Format(time.DateOnly), p.HalfLifeDays)
	out, err := psql(url, sql.String())
	if err != nil {
		t.Fatalf("PostGIS: %v", err)
	}
	var stamps []time.Time
	rows := 0
	var segsDiffering, maxSpheroidDiff, edges, pairs int
	maxLenRel, maxRiskRel, maxSpheroidLenRel := 0.0, 0.0, 0.0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, ",")
		if f[0] == "timing" {
			ts, err := time.Parse("2006-01-02 15:04:05.999999-07", f[1])
			if err == nil {
				stamps = append(stamps, ts)
			}
			continue
		}
		if len(f) != 8 {
			t.Fatalf("unexpected row %q", line)
		}
		var v [8]float64
		for i := range f {
			if v[i], err = strconv.ParseFloat(f[i], 64); err != nil {
				t.Fatalf("row %q: %v", line, err)
			}
		}
		s := res.Segments[int(v[0])]
		rows++
		lenKm, spheroidKm, nSphere, risk, nSpheroid, nBand, nEdge := v[1], v[2], int(v[3]), v[4]*100/v[1], int(v[5]), int(v[6]), int(v[7])
		pairs += nSphere
		edges += nEdge
		maxLenRel = math.Max(maxLenRel, math.Abs(lenKm-s.LengthKm())/s.LengthKm())
		maxSpheroidLenRel = math.Max(maxSpheroidLenRel, math.Abs(spheroidKm-s.LengthKm())/s.LengthKm())
		if nEdge == 0 && s.Incidents != nSphere || s.Incidents < nSphere-nEdge || s.Incidents > nSphere+nEdge {
			t.Errorf("segment %s: %d incidents, PostGIS on the sphere %d (%d within a millimetre of the radius)", s.ID(), s.Incidents, nSphere, nEdge)
		}
		if risk > 0 {
			maxRiskRel = math.Max(maxRiskRel, math.Abs(s.Risk-risk)/risk)
		} else if s.Risk != 0 && nEdge == 0 {
			t.Errorf("segment %s: risk %g, PostGIS 0", s.ID(), s.Risk)
		}
		if d := s.Incidents - nSpheroid; d != 0 {
			segsDiffering++
			maxSpheroidDiff = max(maxSpheroidDiff, abs(d))
			if abs(d) > nBand {
				t.Errorf("segment %s: %d incidents, PostGIS on the spheroid %d, only %d within 0.5 %% of the radius", s.ID(), s.Incidents, nSpheroid, nBand)
			}
		}
	}
	if rows != len(res.Segments) {
		t.Fatalf("PostGIS returned %d segments, want %d", rows, len(res.Segments))
	}
	if maxLenRel > 1e-9 {
		t.Errorf("segment lengths differ from ST_Length on the sphere by up to %.3g relative", maxLenRel)
	}
	if maxSpheroidLenRel > 0.006 {
		t.Errorf("segment lengths differ from ST_Length on the spheroid by up to %.3g relative", maxSpheroidLenRel)
	}
	if maxRiskRel > 1e-6 {
		t.Errorf("risk differs from PostGIS by up to %.3g relative", maxRiskRel)
	}
	took := "?"
	if len(stamps) == 2 {
		took = stamps[1].Sub(stamps[0]).Round(time.Millisecond).String()
	}
	t.Logf("%d segments, %d (segment, incident) pairs; sphere: lengths within %.2g, counts equal (%d pairs within 1 mm of the radius), risk within %.2g relative; "+
		"spheroid: lengths within %.2g, counts differ on %d segments by at most %d, all explained by incidents within 0.5 %% of the radius; PostGIS query %s",
		rows, pairs, maxLenRel, edges, maxRiskRel, maxSpheroidLenRel, segsDiffering, maxSpheroidDiff, took)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
