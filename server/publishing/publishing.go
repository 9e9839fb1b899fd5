// Package publishing writes layers: uploads read and checked under a
// memory admission, new versions, restores, deletes and the audit log.
// Every write goes to the store first and is served by the library from
// the moment it returns.
package publishing

import (
	"context"
	"fmt"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/coverage"
	"github.com/routerisk/routerisk/geodata/ingest"
	"github.com/routerisk/routerisk/server/reads"
)

// Store keeps layer versions.
type Store interface {
	reads.Source
	// Publish stores a new version and makes it current; code Invalid for
	// metadata it cannot accept. by names the writer for the audit log.
	Publish(ctx context.Context, l *geodata.Layer, report geodata.Report, by geodata.AuditEntry) (geodata.Meta, error)
	// Versions lists every stored version of a layer, newest first, also
	// of a deleted layer; code NotFound for a layer never published.
	Versions(ctx context.Context, id string) ([]geodata.Meta, error)
	// Report returns the import report of one version.
	Report(ctx context.Context, id string, version int) (geodata.Report, error)
	// Restore makes a new current version with the content of an older one.
	Restore(ctx context.Context, id string, version int, by geodata.AuditEntry) (geodata.Meta, error)
	// Delete takes a layer out of service, keeping its versions.
	Delete(ctx context.Context, id string, by geodata.AuditEntry) error
	// Purge removes the versions published before cutoff that are neither
	// current nor a layer's newest, auditing one entry per layer.
	Purge(ctx context.Context, cutoff time.Time, by geodata.AuditEntry) ([]geodata.Purged, error)
	// Audit appends an entry that is not itself a store write.
	Audit(ctx context.Context, e geodata.AuditEntry) error
	// ReadAuditPage returns one page of the audit log, newest first,
	// reading no more of it than the page needs; code Invalid for a
	// cursor it did not make.
	ReadAuditPage(ctx context.Context, q geodata.AuditQuery) (geodata.AuditPage, error)
}

// Service publishes layer versions to a store and serves them from a
// library. It is safe for concurrent use.
type Service struct {
	store     Store
	lib       *reads.Library
	admission *Admission
	reserved  map[string]bool
	countries *coverage.Countries // the boundaries declared coverage countries are checked against
}

// New returns the publishing of layers to store, served by lib; at most
// concurrency uploads are read at once. Reserved ids (derived layers) are
// refused as layer ids.
func New(store Store, lib *reads.Library, concurrency int, reserved ...string) *Service {
	s := &Service{store: store, lib: lib, admission: NewAdmission(concurrency), reserved: map[string]bool{}, countries: coverage.NewCountries(nil)}
	for _, id := range reserved {
		s.reserved[id] = true
	}
	return s
}

// WithCountries sets the country boundaries that declared coverage
// countries are checked against (without them, declaring countries is
// refused) and returns c.
func (c *Service) WithCountries(t *coverage.Countries) *Service {
	c.countries = t
	return c
}

// Begin admits one upload before it is read: it takes an upload slot (or
// answers code Busy) and lowers the collector's target while uploads are
// read. Give the ticket the file's size once known, and call Done at the end.
func (c *Service) Begin() (*Ticket, error) { return c.admission.Begin() }

// UploadsReading is how many uploads hold a slot now (are being read or
// checked).
func (c *Service) UploadsReading() int { return c.admission.Reading() }

// Publish stores l as a new version and serves it from the moment it
// returns: the next read answers from the new version (its cache keys are
// new), never from the old one.
func (c *Service) Publish(ctx context.Context, l *geodata.Layer, report geodata.Report, by geodata.AuditEntry) (geodata.Meta, error) {
	m, err := c.store.Publish(ctx, l, report, by)
	if err != nil {
		return m, err
	}
	l.Meta = m
	return m, c.lib.Install(l)
}

// Restore makes a new version of layer id with the content of version v
// and serves it.
func (c *Service) Restore(ctx context.Context, id string, v int, by geodata.AuditEntry) (geodata.Meta, error) {
	m, err := c.store.Restore(ctx, id, v, by)
	if err != nil {
		return m, err
	}
	l, err := c.store.Open(ctx, m.ID, m.Version)
	if err != nil {
		return m, err
	}
	return m, c.lib.Install(l)
}

// Delete stops serving layer id; its versions stay restorable.
func (c *Service) Delete(ctx context.Context, id string, by geodata.AuditEntry) error {
	if err := c.store.Delete(ctx, id, by); err != nil {
		return err
	}
	c.lib.Drop(id)
	return nil
}

// MinRetention is the shortest age a purge may remove: a purge is for
// retention, not for undoing yesterday's upload.
const MinRetention = 24 * time.Hour

// Purge removes the superseded versions (and those of deleted layers)
// published more than olderThan ago; every layer keeps its current and
// its newest version. Code Invalid for an age under MinRetention.
func (c *Service) Purge(ctx context.Context, olderThan time.Duration, by geodata.AuditEntry) ([]geodata.Purged, error) {
	if olderThan < MinRetention {
		return nil, geodata.InvalidParam("older_than", fmt.Sprintf("is %s", olderThan),
			fmt.Sprintf("give an age of at least %s, such as 8760h for a year", MinRetention))
	}
	return c.store.Purge(ctx, time.Now().Add(-olderThan), by)
}

// Versions lists the stored versions of layer id, newest first.
func (c *Service) Versions(ctx context.Context, id string) ([]geodata.Meta, error) {
	return c.store.Versions(ctx, id)
}

// Report returns the import report of version v of layer id.
func (c *Service) Report(ctx context.Context, id string, v int) (geodata.Report, error) {
	rep, err := c.store.Report(ctx, id, v)
	if err == nil {
		ingest.ListCounted(&rep) // reports kept before every counted code was listed
	}
	return rep, err
}

// Audit records an entry that is not a store write, such as a rejected upload.
func (c *Service) Audit(ctx context.Context, e geodata.AuditEntry) error {
	return c.store.Audit(ctx, e)
}

// ReadAudit returns one page of the audit log, newest first.
func (c *Service) ReadAudit(ctx context.Context, q geodata.AuditQuery) (geodata.AuditPage, error) {
	return c.store.ReadAuditPage(ctx, q)
}
