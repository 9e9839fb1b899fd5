package store

import (
	"context"

	"github.com/routerisk/routerisk/geodata"
)

// PostGISAdmin is what operators do with a PostGIS store beyond serving
// layers: describe and check it, install the bundled layers once, and
// fill it from a file store (`routerisk store import`).
type PostGISAdmin struct{ s *PostGIS }

// Admin returns the operations on the store that serving does not use.
func (s *PostGIS) Admin() PostGISAdmin { return PostGISAdmin{s: s} }

// Server names the database: host:port/database, without credentials.
func (a PostGISAdmin) Server() string { return a.s.serverName() }

// Status asks the database for its schema and PostGIS versions; an error
// means it cannot be reached or queried.
func (a PostGISAdmin) Status(ctx context.Context) (PostGISStatus, error) { return a.s.status(ctx) }

// PublishFirst is Publish for a layer that has never had a version: when
// the layer has one (also when it was deleted), it writes nothing and
// returns false. Replicas that start together on an empty database
// install the bundled layers with it exactly once.
func (a PostGISAdmin) PublishFirst(ctx context.Context, l *geodata.Layer, report geodata.Report, by geodata.AuditEntry) (geodata.Meta, bool, error) {
	return a.s.publishFirst(ctx, l, report, by)
}

// ImportVersion stores one version of a layer copied from another store,
// its metadata exactly as given; false when that version exists. It does
// not change which version is current: ImportState does.
func (a PostGISAdmin) ImportVersion(ctx context.Context, l *geodata.Layer, report geodata.Report) (bool, error) {
	return a.s.importVersion(ctx, l, report)
}

// ImportState makes version v of layer id current, or with v = 0 marks
// the layer deleted. Code NotFound when the layer has no version v.
func (a PostGISAdmin) ImportState(ctx context.Context, id string, v int) error {
	return a.s.importState(ctx, id, v)
}

// ImportAudit appends an audit entry copied from another store under key,
// a name unique to it there; false when it was imported before.
func (a PostGISAdmin) ImportAudit(ctx context.Context, key string, e geodata.AuditEntry) (bool, error) {
	return a.s.importAudit(ctx, key, e)
}
