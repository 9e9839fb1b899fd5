// Command routerisk runs the RouteRisk server and its maintenance tasks.
//
//	routerisk [serve] [flags]      serve the API and dashboard (the default)
//	routerisk import [flags] FILE  publish a file (any upload format) as a new layer version
//	routerisk store import --data-dir DIR --store postgres://…  copy a file store into PostGIS
//	routerisk token create|list|revoke [flags]  manage API tokens
//	routerisk purge --older-than DURATION [flags]  remove old superseded versions (retention)
//	routerisk healthcheck [--url]  exit 0 when the server answers /healthz (for containers)
//	routerisk version              print the version
//
// Every flag of serve also reads a ROUTERISK_* environment variable; flags win.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Main runs one subcommand and returns the process exit status: 0 on
// success, 2 for a usage or configuration error, 1 for any other failure.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		var cfg Config
		cfg, err = LoadConfig(args, getenv, stderr)
		if err != nil {
			return usageError(stderr, err)
		}
		err = Serve(ctx, cfg, stderr, nil)
	case "import":
		err = runImport(ctx, args, getenv, stdout, stderr)
	case "store":
		err = runStore(ctx, args, getenv, stdout, stderr)
	case "purge":
		err = runPurge(ctx, args, getenv, stdout, stderr)
	case "token":
		err = runToken(ctx, args, getenv, stdout, stderr)
	case "healthcheck":
		err = runHealthcheck(ctx, args, stderr)
	case "version":
		fmt.Fprintln(stdout, version)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, "usage: routerisk [serve|import|store import|token|purge|healthcheck|version] [flags]; routerisk CMD -h for the flags")
	default:
		return usageError(stderr, fmt.Errorf("unknown command %q: use serve, import, store, token, healthcheck or version", cmd))
	}
	if err != nil {
		var ue usage
		if errors.As(err, &ue) || errors.Is(err, flag.ErrHelp) {
			return usageError(stderr, err)
		}
		fmt.Fprintf(stderr, "routerisk %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

// usage marks an error in how the command was called (exit status 2).
type usage struct{ error }

func usageError(stderr io.Writer, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	fmt.Fprintf(stderr, "configuration problems:\n")
	for _, e := range flatten(err) {
		fmt.Fprintf(stderr, "  - %v\n", e)
	}
	return 2
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	var u usage
	if errors.As(err, &u) {
		return flatten(u.error)
	}
	return []error{err}
}
