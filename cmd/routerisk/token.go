package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/store"
)

// runToken manages API tokens in a data folder, or in PostGIS with --store:
//
//	routerisk token create --data-dir DIR --role ROLE --name NAME
//	routerisk token list   --data-dir DIR
//	routerisk token revoke --data-dir DIR --id ID
//
// create prints the new token as its last line; only its hash is kept.
func runToken(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usage{errors.New("routerisk token: give create, list or revoke")}
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("routerisk token "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", envOr(getenv, "ROUTERISK_DATA_DIR", "./data"), "folder of the layer store (env ROUTERISK_DATA_DIR)")
	storeURL := fs.String("store", getenv("ROUTERISK_STORE"), "postgres://… to keep the tokens in PostGIS, shared by every replica (env ROUTERISK_STORE)")
	var role, name, id *string
	switch sub {
	case "create":
		role = fs.String("role", "", "viewer, partner, staff, editor or admin")
		name = fs.String("name", "", "who or what uses the token (shown in the audit log)")
	case "revoke":
		id = fs.String("id", "", "public id of the token (see token list)")
	case "list":
	default:
		return usage{fmt.Errorf("routerisk token %s: unknown; use create, list or revoke", sub)}
	}
	if err := fs.Parse(args); err != nil {
		return usage{err}
	}
	if fs.NArg() != 0 {
		return usage{fmt.Errorf("routerisk token %s takes no arguments besides flags, got %q", sub, fs.Args())}
	}
	// The tokens are kept where the server keeps them: the data folder,
	// or PostGIS.
	var kept auth.TokenStore
	if *storeURL != "" {
		if err := checkStoreURL("store", *storeURL); err != nil {
			return usage{err}
		}
		pg, err := store.OpenPostGIS(ctx, *storeURL)
		if err != nil {
			return err
		}
		defer pg.Close()
		kept = store.NewPostGISTokens(pg)
	} else {
		tf, err := store.OpenTokenFile(*dataDir)
		if err != nil {
			return err
		}
		kept = tf
	}
	tokens := auth.NewTokens(kept)
	switch sub {
	case "create":
		r, err := auth.ParseRole(*role)
		if err != nil {
			return usage{err}
		}
		tok, rec, err := tokens.Create(*name, r)
		if err != nil {
			return usage{err}
		}
		fmt.Fprintf(stdout, "created token %s for %q with role %s; it is shown only now, keep it secret:\n%s\n", rec.ID, rec.Name, rec.Role, tok)
	case "revoke":
		if err := tokens.Revoke(*id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked token %s\n", *id)
	case "list":
		recs, err := tokens.List()
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tROLE\tCREATED\tREVOKED")
		for _, r := range recs {
			revoked := "-"
			if r.RevokedAt != nil {
				revoked = r.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, r.Role, r.CreatedAt.Format(time.RFC3339), revoked)
		}
		return w.Flush()
	}
	return nil
}
