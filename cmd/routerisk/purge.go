package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/publishing"
)

// runPurge removes old superseded versions, for data retention:
//
//	routerisk purge --data-dir DIR [--store postgres://…] --older-than 8760h
//
// Every layer keeps its current and its newest version; each purged layer
// is audited as the operating-system user.
func runPurge(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("routerisk purge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", envOr(getenv, "ROUTERISK_DATA_DIR", "./data"), "folder of the layer store (env ROUTERISK_DATA_DIR)")
	storeURL := fs.String("store", getenv("ROUTERISK_STORE"), "PostGIS store, postgres://user@host:5432/db, in place of the file store (env ROUTERISK_STORE)")
	olderThan := fs.Duration("older-than", 0, "remove versions published longer ago than this, such as 8760h (a year); at least 24h")
	if err := fs.Parse(args); err != nil {
		return usage{err}
	}
	if fs.NArg() != 0 {
		return usage{errors.New("routerisk purge takes no arguments besides its flags")}
	}
	if *olderThan < publishing.MinRetention {
		return usage{fmt.Errorf("--older-than must be at least %s (such as 8760h for a year)", publishing.MinRetention)}
	}
	if err := checkStoreURL("store", *storeURL); err != nil {
		return usage{err}
	}
	st, err := openStore(ctx, *dataDir, *storeURL)
	if err != nil {
		return err
	}
	defer st.Close()
	by := geodata.AuditEntry{Actor: "cli:" + envOr(getenv, "USER", "unknown")}
	purged, err := st.Purge(ctx, time.Now().Add(-*olderThan), by)
	if err != nil {
		return err
	}
	n := 0
	for _, p := range purged {
		fmt.Fprintf(stdout, "%s: removed versions %v\n", p.Layer, p.Versions)
		n += len(p.Versions)
	}
	fmt.Fprintf(stdout, "purged %d versions of %d layers published more than %s ago\n", n, len(purged), *olderThan)
	return nil
}
