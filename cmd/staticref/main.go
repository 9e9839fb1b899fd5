// Command staticref serves one file's bytes, as they are, with a bare
// net/http handler: the Go reference that scripts/loadtest.sh measures
// beside nginx and the RouteRisk server, so the report shows how much of
// the distance to nginx is Go's HTTP server and how much is RouteRisk's
// own request path.
//
//	staticref -addr 127.0.0.1:8081 -file features.json.gz
//
// Every request is answered 200 with the bytes, gzip-encoded GeoJSON.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strconv"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "address to listen on")
	file := flag.String("file", "", "the gzip bytes to serve")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "staticref:", err)
		os.Exit(2)
	}
	length := strconv.Itoa(len(body))
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/geo+json")
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", length)
		_, _ = w.Write(body)
	})))
}
