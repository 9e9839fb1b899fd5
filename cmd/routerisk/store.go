package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/publishing"
	"github.com/routerisk/routerisk/server/store"
)

// openedStore is the layer store chosen by --store, with what it takes
// to describe and close it.
type openedStore struct {
	publishing.Store
	files   *store.Files   // the file store in --data-dir, or nil
	postgis *store.PostGIS // the PostGIS store, or nil
}

// openStore opens the file store in dataDir when storeURL is empty, the
// PostGIS store at storeURL otherwise (migrating its schema); files tunes
// the file store (zero values: the defaults).
func openStore(ctx context.Context, dataDir, storeURL string, files ...store.FilesOptions) (*openedStore, error) {
	if storeURL == "" {
		var o store.FilesOptions
		if len(files) > 0 {
			o = files[0]
		}
		f, err := store.OpenFilesWith(dataDir, o)
		if err != nil {
			return nil, err
		}
		return &openedStore{Store: f, files: f}, nil
	}
	pg, err := store.OpenPostGIS(ctx, storeURL)
	if err != nil {
		return nil, err
	}
	return &openedStore{Store: pg, postgis: pg}, nil
}

// String names the store for logs, without credentials.
func (s *openedStore) String() string {
	if s.postgis != nil {
		return "postgis " + s.postgis.Admin().Server()
	}
	return "files in " + s.files.Dir()
}

// Close releases the store's connections.
func (s *openedStore) Close() {
	if s.postgis != nil {
		s.postgis.Close()
	}
}

// publishFirst publishes l unless its layer has ever had a version (also
// a deleted one); false means it was left alone. On PostGIS the check and
// the write are one transaction, so replicas starting together install a
// layer once.
func (s *openedStore) publishFirst(ctx context.Context, l *geodata.Layer, report geodata.Report, by geodata.AuditEntry) (geodata.Meta, bool, error) {
	if s.postgis != nil {
		return s.postgis.Admin().PublishFirst(ctx, l, report, by)
	}
	if _, err := s.Versions(ctx, l.Meta.ID); geodata.ErrorCode(err) != geodata.NotFound {
		return geodata.Meta{}, false, err
	}
	m, err := s.Publish(ctx, l, report, by)
	return m, err == nil, err
}

// accountStores returns where API tokens and issued embeds are kept: in
// PostGIS with the layers, or in files of dataDir beside the file store.
func (s *openedStore) accountStores(dataDir string) (auth.TokenStore, auth.EmbedStore, error) {
	if s.postgis != nil {
		return store.NewPostGISTokens(s.postgis), store.NewPostGISEmbeds(s.postgis), nil
	}
	tf, err := store.OpenTokenFile(dataDir)
	if err != nil {
		return nil, nil, err
	}
	ef, err := store.OpenEmbedFile(dataDir)
	if err != nil {
		return nil, nil, err
	}
	return tf, ef, nil
}

// check reports the store's state for /readyz.
func (s *openedStore) check(ctx context.Context) (state, detail string) {
	if s.postgis != nil {
		st, err := s.postgis.Admin().Status(ctx)
		if err != nil {
			return "down", fmt.Sprintf("postgis %s: %v", st.Server, err)
		}
		return "ok", fmt.Sprintf("postgis %s (PostGIS %s, schema version %d, %d of %d connections in use)",
			st.Server, st.PostGISVersion, st.SchemaVersion, st.ConnsInUse, st.Conns)
	}
	if _, err := s.List(ctx); err != nil {
		return "down", err.Error()
	}
	return "ok", "files in " + s.files.Dir()
}

// checkStoreURL validates a --store value: empty, or a postgres:// URL.
func checkStoreURL(name, v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || (u.Host == "" && u.Query().Get("host") == "") ||
		strings.Trim(u.Path, "/") == "" {
		return fmt.Errorf("--%s %q: use postgres://user@host:5432/database for PostGIS, or leave it empty for the file store in --data-dir", name, redact(v))
	}
	return nil
}

// runStore runs `routerisk store SUBCOMMAND`.
func runStore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return usage{errors.New("use: routerisk store import --data-dir DIR --store postgres://…")}
	}
	return runStoreImport(ctx, args[1:], getenv, stdout, stderr)
}

// runStoreImport copies a file store folder into PostGIS: every layer with
// all its versions (same numbers, metadata, reports), which version is
// current or that the layer was deleted, and the audit log. Run again, it
// skips what is already there.
func runStoreImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("routerisk store import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", envOr(getenv, "ROUTERISK_DATA_DIR", "./data"), "folder of the file store to copy (env ROUTERISK_DATA_DIR)")
	to := fs.String("store", getenv("ROUTERISK_STORE"), "the PostGIS store to copy into, postgres://user@host:5432/database (env ROUTERISK_STORE)")
	if err := fs.Parse(args); err != nil {
		return usage{err}
	}
	var errs []error
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " ")))
	}
	if *to == "" {
		errs = append(errs, errors.New("--store is empty: give the PostGIS store to copy into, postgres://user@host:5432/database"))
	} else if err := checkStoreURL("store", *to); err != nil {
		errs = append(errs, err)
	}
	if fi, err := os.Stat(filepath.Join(*dataDir, "layers")); err != nil || !fi.IsDir() {
		errs = append(errs, fmt.Errorf("--data-dir %q holds no file store (no layers folder)", *dataDir))
	}
	if len(errs) > 0 {
		return usage{errors.Join(errs...)}
	}
	src, err := store.OpenFiles(*dataDir)
	if err != nil {
		return err
	}
	dst, err := store.OpenPostGIS(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	fmt.Fprintf(stdout, "copying the file store in %s into postgis %s\n", *dataDir, dst.Admin().Server())
	imp := &storeImport{src: src, dst: dst, out: stdout}
	ids, err := src.LayerIDs()
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := imp.layer(ctx, id); err != nil {
			return fmt.Errorf("layer %s: %w", id, err)
		}
	}
	if err := imp.audit(ctx); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	tokens, err := imp.tokens(ctx, *dataDir)
	if err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	embeds, keyConflict, err := imp.embeds(ctx, *dataDir)
	if err != nil {
		return fmt.Errorf("embeds: %w", err)
	}
	if imp.versions > 0 || imp.entries > 0 || tokens > 0 || embeds > 0 {
		e := geodata.AuditEntry{Actor: "cli:" + envOr(getenv, "USER", "unknown"), Action: "store-import",
			Detail: fmt.Sprintf("%d versions, %d audit entries, %d tokens and %d embeds from a file store", imp.versions, imp.entries, tokens, embeds)}
		if err := dst.Audit(ctx, e); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "done: %d versions and %d audit entries copied, %d versions and %d entries were already there\n",
		imp.versions, imp.entries, imp.skippedVersions, imp.skippedEntries)
	var problems []error
	if imp.conflicts > 0 {
		problems = append(problems, fmt.Errorf("%d versions differ from the ones PostGIS already holds under the same number and were not copied; "+
			"copy into a new database before any server runs on it (a server on an empty database installs the bundled layers as their version 1)", imp.conflicts))
	}
	if keyConflict {
		problems = append(problems, errors.New("PostGIS already holds another embed signing key, so embeds issued from the data folder will not verify "+
			"on servers without --embed-key; give every server the folder's key (the \"key\" of embeds.json) as --embed-key, or issue those embeds again"))
	}
	return errors.Join(problems...)
}

// storeImport copies one file store into PostGIS and counts what it did.
type storeImport struct {
	src *store.Files
	dst *store.PostGIS
	out io.Writer

	versions, skippedVersions, conflicts int
	entries, skippedEntries              int
}

// layer copies the versions of layer id that PostGIS lacks, oldest first,
// then, when it copied any, makes the same version current (or marks the
// layer deleted) as in the file store.
func (imp *storeImport) layer(ctx context.Context, id string) error {
	versions, err := imp.src.Versions(ctx, id)
	if geodata.ErrorCode(err) == geodata.NotFound {
		return nil // a folder without a complete version
	}
	if err != nil {
		return err
	}
	slices.Reverse(versions) // oldest first
	have := map[int]geodata.Meta{}
	if existing, err := imp.dst.Versions(ctx, id); err == nil {
		for _, m := range existing {
			have[m.Version] = m
		}
	} else if geodata.ErrorCode(err) != geodata.NotFound {
		return err
	}
	var copied, skipped, conflicts []string
	for _, m := range versions {
		v := "v" + fmt.Sprint(m.Version)
		if old, ok := have[m.Version]; ok {
			if !old.UpdatedAt.Equal(m.UpdatedAt) || old.UpdatedBy != m.UpdatedBy || old.FeatureCount != m.FeatureCount {
				conflicts = append(conflicts, v)
			} else {
				skipped = append(skipped, v)
			}
			continue
		}
		l, err := imp.src.Open(ctx, id, m.Version)
		if err != nil {
			return err
		}
		report, err := imp.src.Report(ctx, id, m.Version)
		if err != nil && geodata.ErrorCode(err) != geodata.NotFound {
			return err
		}
		ok, err := imp.dst.Admin().ImportVersion(ctx, l, report)
		if err != nil {
			return err
		}
		if ok {
			copied = append(copied, v)
		} else {
			skipped = append(skipped, v) // another run copied it meanwhile
		}
	}
	imp.versions += len(copied)
	imp.skippedVersions += len(skipped)
	imp.conflicts += len(conflicts)

	state := ""
	cur, err := imp.src.Current(ctx, id)
	deleted := false
	switch {
	case err == nil:
		state = fmt.Sprintf("current v%d", cur.Version)
	case geodata.ErrorCode(err) == geodata.NotFound && isDeleted(err):
		state, deleted = "deleted", true
	case geodata.ErrorCode(err) == geodata.NotFound:
		state = "no current version"
	default:
		return err
	}
	// The state is set only when this run copied versions of the layer and
	// PostGIS holds none newer than the file store: a layer published in
	// PostGIS since the last run is left as it is.
	newest := versions[len(versions)-1].Version
	ahead := false
	for v := range have {
		ahead = ahead || v > newest
	}
	switch {
	case len(copied) == 0:
		state += ", left as it was"
	case ahead:
		state += fmt.Sprintf("; not applied: postgis has versions after v%d", newest)
	case deleted:
		if err := imp.dst.Admin().ImportState(ctx, id, 0); err != nil {
			return err
		}
	case cur.Version > 0:
		if err := imp.dst.Admin().ImportState(ctx, id, cur.Version); err != nil {
			return err
		}
	}
	line := fmt.Sprintf("%s: %s", id, state)
	if len(copied) > 0 {
		line += "; copied " + strings.Join(copied, " ")
	}
	if len(skipped) > 0 {
		line += "; already there " + strings.Join(skipped, " ")
	}
	if len(conflicts) > 0 {
		line += "; NOT COPIED, postgis holds different " + strings.Join(conflicts, " ")
	}
	fmt.Fprintln(imp.out, line)
	return nil
}

func isDeleted(err error) bool {
	var ge *geodata.Error
	return errors.As(err, &ge) && ge.Details["deleted"] == true
}

// tokens copies the API tokens of the data folder (hashes only, revoked
// ones too) and returns how many were new.
func (imp *storeImport) tokens(ctx context.Context, dataDir string) (int, error) {
	tf, err := store.OpenTokenFile(dataDir)
	if err != nil {
		return 0, err
	}
	recs, err := tf.List(ctx)
	if err != nil {
		return 0, err
	}
	copied, err := copyRecords(ctx, recs, store.NewPostGISTokens(imp.dst).Add)
	if err != nil {
		return copied, err
	}
	fmt.Fprintf(imp.out, "tokens: %d copied, %d already there\n", copied, len(recs)-copied)
	return copied, nil
}

// embeds copies the issued embeds of the data folder (withdrawn ones stay
// withdrawn) and returns how many were new. The signing key kept in the
// folder goes along when PostGIS has none yet, so that the embeds keep
// working on servers without --embed-key; keyConflict reports that
// PostGIS already holds another one.
func (imp *storeImport) embeds(ctx context.Context, dataDir string) (copied int, keyConflict bool, err error) {
	ef, err := store.OpenEmbedFile(dataDir)
	if err != nil {
		return 0, false, err
	}
	recs, err := ef.List(ctx)
	if err != nil {
		return 0, false, err
	}
	dst := store.NewPostGISEmbeds(imp.dst)
	if copied, err = copyRecords(ctx, recs, dst.Add); err != nil {
		return copied, false, err
	}
	key, err := ef.StoredKey(ctx)
	if err != nil {
		return copied, false, err
	}
	state := "none in the folder (it was given with --embed-key)"
	if key != nil {
		kept, err := dst.Key(ctx, key)
		if err != nil {
			return copied, false, err
		}
		keyConflict = !bytes.Equal(kept, key)
		state = "the folder's, in postgis"
		if keyConflict {
			state = "NOT COPIED, postgis holds another one"
		}
	}
	fmt.Fprintf(imp.out, "embeds: %d copied, %d already there; signing key: %s\n", copied, len(recs)-copied, state)
	return copied, keyConflict, nil
}

// copyRecords adds each record with add and counts the ones that were new.
func copyRecords[R any](ctx context.Context, recs []R, add func(context.Context, R) (bool, error)) (int, error) {
	copied := 0
	for _, r := range recs {
		ok, err := add(ctx, r)
		if err != nil {
			return copied, err
		}
		if ok {
			copied++
		}
	}
	return copied, nil
}

// audit copies the audit log. Each entry is keyed by its position in the
// file store's log (which only grows) and its content, so entries copied
// before are recognised.
func (imp *storeImport) audit(ctx context.Context) error {
	entries, err := store.ReadAudit(ctx, imp.src, 0)
	if err != nil {
		return err
	}
	slices.Reverse(entries) // oldest first, as in the file
	for i, e := range entries {
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ok, err := imp.dst.Admin().ImportAudit(ctx, fmt.Sprintf("files:%d:%s", i+1, hex.EncodeToString(sum[:16])), e)
		if err != nil {
			return err
		}
		if ok {
			imp.entries++
		} else {
			imp.skippedEntries++
		}
	}
	fmt.Fprintf(imp.out, "audit log: %d entries copied, %d already there\n", imp.entries, imp.skippedEntries)
	return nil
}
