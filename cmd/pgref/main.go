// Command pgref answers bbox reads of one PostGIS table as GeoJSON with a
// minimal net/http handler over pgx: the reference that scripts/bboxload.sh
// measures beside the RouteRisk server on the same layer, same machine,
// same run. Each request runs one query — the rows whose geometry meets
// the box (a GiST index answers &&), each as ST_AsGeoJSON(row), which
// PostGIS writes as a whole Feature with the other columns as properties —
// and joins them into a FeatureCollection, gzip-compressed at the default
// level when the client accepts it, as RouteRisk compresses a fresh answer.
//
//	pgref -addr 127.0.0.1:8082 -db postgres://postgres@127.0.0.1:5432/bench -table incidents200k
//
// GET /?bbox=minLon,minLat,maxLon,maxLat&limit=N (limit default 2500, at
// most 10000); a bad bbox or limit is a 400.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

// maxLimit bounds the rows of one answer.
const maxLimit = 10000

var tableName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

func main() {
	addr := flag.String("addr", "127.0.0.1:8082", "address to listen on")
	db := flag.String("db", "postgres://postgres@127.0.0.1:5432/postgres", "PostgreSQL URL")
	table := flag.String("table", "", "table with a geometry column geom (SRID 4326) and a GiST index on it")
	conns := flag.Int("conns", 8, "connections in the pool")
	flag.Parse()
	if !tableName.MatchString(*table) {
		fmt.Fprintln(os.Stderr, "pgref: -table must be a plain lower-case table name")
		os.Exit(2)
	}
	cfg, err := pgxpool.ParseConfig(*db)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgref:", err)
		os.Exit(2)
	}
	cfg.MaxConns = int32(*conns)
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgref:", err)
		os.Exit(1)
	}
	defer pool.Close()
	query := "SELECT ST_AsGeoJSON(t.*, 'geom', 6) FROM " + *table +
		" t WHERE t.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) LIMIT $5"
	log.Fatal(http.ListenAndServe(*addr, handler(pool, query)))
}

// handler answers one bbox read per request.
func handler(pool *pgxpool.Pool, query string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		box, limit, err := parse(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rows, err := pool.Query(r.Context(), query, box[0], box[1], box[2], box[3], limit)
		if err != nil {
			http.Error(w, "query: "+err.Error(), http.StatusInternalServerError)
			return
		}
		defer rows.Close()
		var body bytes.Buffer
		body.WriteString(`{"type":"FeatureCollection","features":[`)
		n := 0
		for rows.Next() {
			raw := rows.RawValues()
			if len(raw) == 0 || raw[0] == nil {
				continue
			}
			if n > 0 {
				body.WriteByte(',')
			}
			body.Write(raw[0])
			n++
		}
		if err := rows.Err(); err != nil {
			http.Error(w, "rows: "+err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(&body, `],"numberReturned":%d}`, n)
		h := w.Header()
		h.Set("Content-Type", "application/geo+json")
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			h.Set("Content-Length", strconv.Itoa(body.Len()))
			_, _ = w.Write(body.Bytes())
			return
		}
		var zb bytes.Buffer
		zw := gzip.NewWriter(&zb)
		_, _ = zw.Write(body.Bytes())
		_ = zw.Close()
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(zb.Len()))
		_, _ = w.Write(zb.Bytes())
	})
}

// parse reads bbox and limit.
func parse(r *http.Request) ([4]float64, int, error) {
	var box [4]float64
	parts := strings.Split(r.URL.Query().Get("bbox"), ",")
	if len(parts) != 4 {
		return box, 0, fmt.Errorf("bbox: give minLon,minLat,maxLon,maxLat")
	}
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return box, 0, fmt.Errorf("bbox: %q is not a number", p)
		}
		box[i] = v
	}
	limit := 2500
	if s := r.URL.Query().Get("limit"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > maxLimit {
			return box, 0, fmt.Errorf("limit: give a whole number from 1 to %d", maxLimit)
		}
		limit = v
	}
	return box, limit, nil
}
