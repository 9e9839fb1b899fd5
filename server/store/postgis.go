package store

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/routerisk/routerisk/geodata"
)

// LayersChannel is the PostgreSQL notification channel on which PostGIS
// announces every change of a layer's current version, when the change
// commits. The payload is "ID:VERSION" (the new current version) or
// "ID:deleted".
const LayersChannel = "routerisk_layers"

// PostGIS stores layers in a PostgreSQL database with PostGIS, shared by
// every replica of the server. Each write (publish, restore, delete) is one
// transaction: the next version number is taken under a row lock on the
// layer, the version's features are copied in, the layer's current version
// moves and the audit entry is appended, so no partial version is ever
// visible and two writers never take the same number. It has the
// semantics, error codes and messages of Files, and is safe for concurrent
// use by many processes.
type PostGIS struct {
	pool   *pgxpool.Pool
	now    func() time.Time
	server string // host:port/database, for status messages
}

// migrationLock is the key of the advisory lock held while migrating, so
// replicas starting together migrate one after the other.
const migrationLock = 0x726f757465726973 // "routeris"

//go:embed migrations/*.sql
var migrations embed.FS

// OpenPostGIS connects to the database at url (postgres://user@host:5432/db;
// pool settings such as pool_max_conns may be given as query parameters)
// and brings its schema up to date: the pending migrations run in one
// transaction under an advisory lock, so replicas starting together do not
// race. Close releases the connections.
func OpenPostGIS(ctx context.Context, url string) (*PostGIS, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgis store URL: %w", err) // pgx hides the password
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &PostGIS{pool: pool, now: time.Now,
		server: fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgis store %s: %w", s.server, err)
	}
	return s, nil
}

// Close closes the connections, waiting for the ones in use.
func (s *PostGIS) Close() { s.pool.Close() }

// serverName names the database: host:port/database, without credentials.
func (s *PostGIS) serverName() string { return s.server }

// migration is one file of migrations/: NNNN_name.sql, applied in order of
// NNNN.
type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil || v < 1 {
			return nil, fmt.Errorf("migration %s: the name must start with its number, such as 0002_", base)
		}
		b, err := migrations.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s have the same number", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

// migrate applies the migrations the database has not seen, in one
// transaction that first takes the migration lock.
func (s *PostGIS) migrate(ctx context.Context) error {
	all, err := loadMigrations()
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrationLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer PRIMARY KEY,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT version FROM schema_migrations")
		if err != nil {
			return err
		}
		applied, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			return err
		}
		for _, m := range all {
			if slices.Contains(applied, m.version) {
				continue
			}
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", m.version); err != nil {
				return err
			}
		}
		return nil
	})
}

// PostGISStatus is the state of the database, for /readyz.
type PostGISStatus struct {
	Server         string // host:port/database
	SchemaVersion  int    // the last migration applied
	PostGISVersion string
	Conns          int32 // connections open
	ConnsInUse     int32 // of which in use
}

// status asks the database for its schema and PostGIS versions; an error
// means it cannot be reached or queried.
func (s *PostGIS) status(ctx context.Context) (PostGISStatus, error) {
	st := PostGISStatus{Server: s.server}
	err := s.pool.QueryRow(ctx, "SELECT (SELECT max(version) FROM schema_migrations), postgis_lib_version()").
		Scan(&st.SchemaVersion, &st.PostGISVersion)
	stat := s.pool.Stat()
	st.Conns, st.ConnsInUse = stat.TotalConns(), stat.AcquiredConns()
	return st, err
}

// List returns the metadata of the current version of every layer, by id.
func (s *PostGIS) List(ctx context.Context) (_ []geodata.Meta, err error) {
	defer s.unavailable(&err)
	rows, err := s.pool.Query(ctx, `SELECT v.meta::text FROM layers l
		JOIN layer_versions v ON v.layer_id = l.id AND v.version = l.current_version
		ORDER BY l.id COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	metas, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, err
	}
	var out []geodata.Meta
	for _, b := range metas {
		var m geodata.Meta
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("stored metadata: %w", err)
		}
		out = append(out, m)
	}
	return out, nil
}

// Current returns the metadata of the current version of layer id; code
// NotFound when there is none.
func (s *PostGIS) Current(ctx context.Context, id string) (_ geodata.Meta, err error) {
	defer s.unavailable(&err)
	if !geodata.ValidLayerID(id) {
		return geodata.Meta{}, errNoLayer(id)
	}
	var current *int
	var deleted *time.Time
	var meta []byte
	err = s.pool.QueryRow(ctx, `SELECT l.current_version, l.deleted_at, v.meta::text FROM layers l
		LEFT JOIN layer_versions v ON v.layer_id = l.id AND v.version = l.current_version
		WHERE l.id = $1`, id).Scan(&current, &deleted, &meta)
	if errors.Is(err, pgx.ErrNoRows) {
		return geodata.Meta{}, errNoLayer(id)
	}
	if err != nil {
		return geodata.Meta{}, err
	}
	if current == nil {
		if deleted != nil {
			return geodata.Meta{}, errDeleted(id)
		}
		return geodata.Meta{}, errNoLayer(id) // being imported
	}
	return decodeMeta(id, *current, meta)
}

// meta returns the metadata of version v of layer id; code NotFound when
// there is no such version.
func (s *PostGIS) meta(ctx context.Context, q querier, id string, v int) (geodata.Meta, error) {
	var b []byte
	err := q.QueryRow(ctx, "SELECT meta::text FROM layer_versions WHERE layer_id = $1 AND version = $2", id, v).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return geodata.Meta{}, errNoVersion(id, v)
	}
	if err != nil {
		return geodata.Meta{}, err
	}
	return decodeMeta(id, v, b)
}

func decodeMeta(id string, v int, b []byte) (geodata.Meta, error) {
	var m geodata.Meta
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("layer %s v%d meta: %w", id, v, err)
	}
	return m, nil
}

// Open loads the features of version v of layer id, in the order they
// were published; code NotFound when there is no such version.
func (s *PostGIS) Open(ctx context.Context, id string, v int) (_ *geodata.Layer, err error) {
	defer s.unavailable(&err)
	if !geodata.ValidLayerID(id) {
		return nil, errNoVersion(id, v)
	}
	m, err := s.meta(ctx, s.pool, id, v)
	if err != nil {
		return nil, err
	}
	features, err := s.readFeatures(ctx, id, v, m.FeatureCount)
	if err != nil {
		return nil, fmt.Errorf("layer %s: %w", m, err)
	}
	return &geodata.Layer{Meta: m, Features: features}, nil
}

// Report returns the import report of version v of layer id; code
// NotFound when there is no such version.
func (s *PostGIS) Report(ctx context.Context, id string, v int) (_ geodata.Report, err error) {
	defer s.unavailable(&err)
	var r geodata.Report
	if !geodata.ValidLayerID(id) {
		return r, errNoVersion(id, v)
	}
	var b []byte
	err = s.pool.QueryRow(ctx, "SELECT report::text FROM layer_versions WHERE layer_id = $1 AND version = $2", id, v).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, errNoVersion(id, v)
	}
	if err != nil {
		return r, err
	}
	return r, json.Unmarshal(b, &r)
}

// Versions returns the metadata of every stored version of layer id,
// newest first. A deleted layer still lists its versions; a layer never
// published is NotFound.
func (s *PostGIS) Versions(ctx context.Context, id string) (_ []geodata.Meta, err error) {
	defer s.unavailable(&err)
	if !geodata.ValidLayerID(id) {
		return nil, errNoLayer(id)
	}
	rows, err := s.pool.Query(ctx, "SELECT meta::text FROM layer_versions WHERE layer_id = $1 ORDER BY version DESC", id)
	if err != nil {
		return nil, err
	}
	metas, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, err
	}
	if len(metas) == 0 {
		return nil, errNoLayer(id)
	}
	out := make([]geodata.Meta, 0, len(metas))
	for _, b := range metas {
		var m geodata.Meta
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("layer %s: stored metadata: %w", id, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// Publish stores l as the next version of its layer and makes it current,
// in one transaction. It sets Version, UpdatedAt and UpdatedBy, and
// summarises the features into FeatureCount, BBox and Schema; the returned
// Meta is what was stored. by names who publishes and from what for the
// audit log. Code Invalid for metadata it cannot accept or a feature id
// that is neither a string nor a number.
func (s *PostGIS) Publish(ctx context.Context, l *geodata.Layer, report geodata.Report, by geodata.AuditEntry) (_ geodata.Meta, err error) {
	defer s.unavailable(&err)
	m, _, err := s.publish(ctx, l, report, by, false)
	return m, err
}

// publishFirst is Publish for a layer that has never had a version: when
// layer l.Meta.ID has one (also when it was deleted), it writes nothing and
// returns false. Replicas that start together on an empty database install
// the bundled layers with it exactly once.
func (s *PostGIS) publishFirst(ctx context.Context, l *geodata.Layer, report geodata.Report, by geodata.AuditEntry) (geodata.Meta, bool, error) {
	return s.publish(ctx, l, report, by, true)
}

// errLayerExists ends a PublishFirst transaction for a layer that exists.
var errLayerExists = errors.New("the layer has versions")

func (s *PostGIS) publish(ctx context.Context, l *geodata.Layer, report geodata.Report, by geodata.AuditEntry, onlyFirst bool) (geodata.Meta, bool, error) {
	if err := l.Meta.Validate(); err != nil {
		return geodata.Meta{}, false, err
	}
	id := l.Meta.ID
	l.Summarise()
	reportJSON, err := json.Marshal(report)
	if err != nil {
		return geodata.Meta{}, false, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO layers (id) VALUES ($1) ON CONFLICT (id) DO NOTHING", id); err != nil {
			return err
		}
		next, err := lockNextVersion(ctx, tx, id)
		if err != nil {
			return err
		}
		if onlyFirst && next != 1 {
			return errLayerExists
		}
		l.Meta.Version = next
		l.Meta.UpdatedAt = s.now().UTC().Truncate(time.Second)
		l.Meta.UpdatedBy = by.Actor
		if err := insertVersion(ctx, tx, l.Meta, reportJSON); err != nil {
			return err
		}
		if err := copyFeatures(ctx, tx, id, next, l.Features); err != nil {
			return err
		}
		by.Action, by.Layer, by.Version, by.Outcome = "publish", id, next, geodata.OutcomeOK
		by.Features, by.Rejected = l.Meta.FeatureCount, report.Rejected
		return s.makeCurrent(ctx, tx, id, next, by)
	})
	if errors.Is(err, errLayerExists) {
		return geodata.Meta{}, false, nil
	}
	if err != nil {
		return geodata.Meta{}, false, wrapWrite("publishing", id, err)
	}
	return l.Meta, true, nil
}

// lockNextVersion locks the row of layer id (when there is one) until the
// transaction ends and returns one past its highest version, so a version
// number is never reused, not even after a delete. Writers of one layer
// wait for each other here; the number is read after the lock is held.
func lockNextVersion(ctx context.Context, tx pgx.Tx, id string) (int, error) {
	if _, err := tx.Exec(ctx, "SELECT 1 FROM layers WHERE id = $1 FOR UPDATE", id); err != nil {
		return 0, err
	}
	var next int
	err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) + 1 FROM layer_versions WHERE layer_id = $1", id).Scan(&next)
	return next, err
}

func insertVersion(ctx context.Context, tx pgx.Tx, m geodata.Meta, reportJSON []byte) error {
	metaJSON, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO layer_versions (layer_id, version, meta, report) VALUES ($1, $2, $3, $4)",
		m.ID, m.Version, string(metaJSON), string(reportJSON)) // text: also right for the simple protocol
	return err
}

// makeCurrent makes version v of layer id current (undeleting the layer),
// appends the audit entry and announces the change, within tx.
func (s *PostGIS) makeCurrent(ctx context.Context, tx pgx.Tx, id string, v int, by geodata.AuditEntry) error {
	if _, err := tx.Exec(ctx, "UPDATE layers SET current_version = $2, deleted_at = NULL WHERE id = $1", id, v); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, by); err != nil {
		return err
	}
	return notify(ctx, tx, id+":"+strconv.Itoa(v))
}

// notify counts a layer change in the store's generation and announces
// it on LayersChannel, both when tx commits.
func notify(ctx context.Context, tx pgx.Tx, payload string) error {
	if _, err := tx.Exec(ctx, "UPDATE store_generation SET generation = generation + 1"); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", LayersChannel, payload)
	return err
}

// Generation returns how many layer changes (publishes, restores,
// deletes) the store has committed. A replica that last synced at a lower
// generation is behind.
func (s *PostGIS) Generation(ctx context.Context) (_ int64, err error) {
	defer s.unavailable(&err)
	var g int64
	err = s.pool.QueryRow(ctx, "SELECT generation FROM store_generation").Scan(&g)
	return g, err
}

// Restore makes a new version of layer id with the content of version v
// (an earlier version, or the last one of a deleted layer) and makes it
// current; the features are copied inside the database. Code NotFound
// when there is no version v.
func (s *PostGIS) Restore(ctx context.Context, id string, v int, by geodata.AuditEntry) (_ geodata.Meta, err error) {
	defer s.unavailable(&err)
	if !geodata.ValidLayerID(id) {
		return geodata.Meta{}, errNoLayer(id)
	}
	var m geodata.Meta
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		next, err := lockNextVersion(ctx, tx, id)
		if err != nil {
			return err
		}
		if m, err = s.meta(ctx, tx, id, v); err != nil {
			return err
		}
		var report []byte
		if err := tx.QueryRow(ctx, "SELECT report::text FROM layer_versions WHERE layer_id = $1 AND version = $2", id, v).Scan(&report); err != nil {
			return err
		}
		m.Version = next
		m.UpdatedAt = s.now().UTC().Truncate(time.Second)
		m.UpdatedBy = by.Actor
		if err := insertVersion(ctx, tx, m, report); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO features (layer_id, version, seq, fid, fid_number, geom, properties)
			SELECT layer_id, $3, seq, fid, fid_number, geom, properties FROM features
			WHERE layer_id = $1 AND version = $2`, id, v, next); err != nil {
			return err
		}
		by.Action, by.Layer, by.Version, by.Outcome = "restore", id, next, geodata.OutcomeOK
		by.Features, by.Detail = m.FeatureCount, fmt.Sprintf("content of version %d", v)
		return s.makeCurrent(ctx, tx, id, next, by)
	})
	if err != nil {
		return geodata.Meta{}, wrapWrite("restoring", id, err)
	}
	return m, nil
}

// Delete takes layer id out of service. Its versions are kept: Versions
// still lists them and Restore brings one back. Code NotFound when the
// layer has no current version.
func (s *PostGIS) Delete(ctx context.Context, id string, by geodata.AuditEntry) (err error) {
	defer s.unavailable(&err)
	if !geodata.ValidLayerID(id) {
		return errNoLayer(id)
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var current *int
		err := tx.QueryRow(ctx, "SELECT current_version FROM layers WHERE id = $1 FOR UPDATE", id).Scan(&current)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNoLayer(id)
		}
		if err != nil {
			return err
		}
		if current == nil {
			return errDeleted(id)
		}
		if _, err := tx.Exec(ctx, "UPDATE layers SET current_version = NULL, deleted_at = now() WHERE id = $1", id); err != nil {
			return err
		}
		by.Action, by.Layer, by.Version, by.Outcome = "delete", id, *current, geodata.OutcomeOK
		if err := s.audit(ctx, tx, by); err != nil {
			return err
		}
		return notify(ctx, tx, id+":deleted")
	})
	return wrapWrite("deleting", id, err)
}

// Audit appends an entry that is not a store write (a rejected upload, a
// sign-in) to the audit log.
func (s *PostGIS) Audit(ctx context.Context, e geodata.AuditEntry) (err error) {
	defer s.unavailable(&err)
	return s.audit(ctx, s.pool, e)
}

// audit appends e, stamped with the current time, through q.
func (s *PostGIS) audit(ctx context.Context, q querier, e geodata.AuditEntry) error {
	e.Time = s.now().UTC()
	if e.Outcome == "" {
		e.Outcome = geodata.OutcomeOK
	}
	_, err := insertAudit(ctx, q, e, nil)
	return err
}

// insertAudit appends e as it is; with an importKey already used it
// writes nothing and returns false.
func insertAudit(ctx context.Context, q querier, e geodata.AuditEntry, importKey *string) (bool, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return false, err
	}
	tag, err := q.Exec(ctx, "INSERT INTO audit_log (at, entry, import_key) VALUES ($1, $2, $3) ON CONFLICT (import_key) DO NOTHING", e.Time, string(b), importKey)
	return tag.RowsAffected() == 1, err
}

// querier is what a pool and a transaction have in common.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func errNoLayer(id string) error {
	return geodata.Errorf(geodata.NotFound, "layer %q does not exist", id)
}

func errNoVersion(id string, v int) error {
	return geodata.Errorf(geodata.NotFound, "layer %q has no version %d", id, v)
}

func errDeleted(id string) error {
	return &geodata.Error{Code: geodata.NotFound, Details: map[string]any{"deleted": true},
		Message: fmt.Sprintf("layer %q was deleted; an editor can restore one of its versions", id)}
}

// wrapWrite names the layer in a database error; errors that carry a
// code (NotFound, Invalid) are returned as they are.
func wrapWrite(what, id string, err error) error {
	var ge *geodata.Error
	if err == nil || errors.As(err, &ge) {
		return err
	}
	return fmt.Errorf("%s layer %s: %w", what, id, err)
}
