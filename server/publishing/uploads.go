package publishing

import (
	"context"
	"fmt"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/account"
	"github.com/routerisk/routerisk/geodata/coverage"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/ingest"
)

// UploadRequest asks to publish a file as a layer version.
type UploadRequest struct {
	Source formats.Source
	Ingest ingest.Options
	// Meta holds what the caller gave: for a new layer at least ID, Kind,
	// Title, Sensitivity; for a replacement only ID and what changes.
	Meta geodata.Meta
	// Replace publishes a new version of an existing layer; otherwise the
	// layer must not exist yet.
	Replace bool
	By      geodata.AuditEntry // who, from which request, for the audit log
	// Role is the caller's role: only an admin may make a restricted
	// layer public. An empty role may not.
	Role account.Role
	// Coverage is a service layer's coverage as the form gave it.
	Coverage CoverageForm
}

// CoverageForm is a coverage declaration as an upload form gives it.
type CoverageForm struct {
	Countries string // coverage_countries: ISO 3166-1 alpha-2 or alpha-3 codes
	Area      string // coverage_area: GeoJSON Polygon or MultiPolygon
	// Source is coverage_source: "" (a new version keeps the current
	// declaration unless it gives another), "declared" (countries or an
	// area must be given) or "computed" (drop the declaration: computed
	// from the points).
	Source string
}

// declared reads the form's declaration; nil when it gives none. Errors
// have code Invalid and name the field at fault.
func (f CoverageForm) declared(t *coverage.Countries) (*geodata.Coverage, error) {
	switch f.Source {
	case "", geodata.CoverageDeclared, geodata.CoverageComputed:
	default:
		return nil, &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"field": "coverage_source"},
			Message: fmt.Sprintf("coverage_source is %q; give declared (with coverage_countries or coverage_area) or computed (from the layer's points)", geodata.Truncate(f.Source, 20))}
	}
	d, err := coverage.Declare(f.Countries, f.Area, t)
	if err != nil {
		return nil, err
	}
	switch {
	case f.Source == geodata.CoverageComputed && d != nil:
		return nil, &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"field": "coverage_source"},
			Message: "coverage_source is computed, but coverage_countries or coverage_area declares a coverage; give one or the other"}
	case f.Source == geodata.CoverageDeclared && d == nil:
		return nil, &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"field": "coverage_countries"},
			Message: "coverage_source is declared, but neither coverage_countries nor coverage_area is given"}
	}
	return d, nil
}

// Validate reads and checks an upload without storing anything.
func (c *Service) Validate(src formats.Source, o ingest.Options) (*ingest.Result, error) {
	return ingest.Run(src, o)
}

// Upload reads, checks and publishes a file. The new version is served
// from the moment Upload returns; on any error nothing is stored and the
// previous version keeps serving. Rejected uploads are audited too.
func (c *Service) Upload(ctx context.Context, r UploadRequest) (geodata.Meta, *ingest.Result, error) {
	by := r.By
	by.Layer, by.Format, by.Bytes = r.Meta.ID, string(r.Ingest.Format), r.Source.Size
	if !geodata.ValidLayerID(by.Layer) {
		by.Layer = "" // never write a hostile id into the log
	}
	meta, before, err := c.uploadMeta(ctx, r)
	if err != nil {
		by.Action, by.Outcome, by.Detail = "upload", geodata.OutcomeRejected, string(geodata.ErrorCode(err))
		_ = c.store.Audit(ctx, by)
		return geodata.Meta{}, nil, err
	}
	r.Ingest.Kind = meta.Kind
	res, err := ingest.Run(r.Source, r.Ingest)
	if res != nil {
		by.Format = string(res.Format)
	}
	if err != nil {
		by.Action, by.Outcome, by.Detail = "upload", geodata.OutcomeRejected, string(geodata.ErrorCode(err))
		if res != nil {
			by.Rejected = res.Report.Rejected
		}
		_ = c.store.Audit(ctx, by)
		return geodata.Meta{}, res, err
	}
	if meta.TimeProperty == "" && (meta.Kind == geodata.KindIncident || meta.Kind == geodata.KindEvent) {
		meta.TimeProperty = "date"
	}
	if meta.TimeProperty == "" && meta.Kind == geodata.KindExposure {
		meta.TimeProperty = "month"
	}
	l := &geodata.Layer{Meta: meta, Features: res.Features}
	m, err := c.Publish(ctx, l, res.Report, by)
	if err != nil {
		by.Action, by.Outcome, by.Detail = "upload", geodata.OutcomeFailed, string(geodata.ErrorCode(err))
		_ = c.store.Audit(ctx, by)
		return geodata.Meta{}, res, err
	}
	if before != "" && before != m.Sensitivity {
		change := r.By
		change.Action, change.Layer, change.Version, change.Outcome = "sensitivity-change", m.ID, m.Version, geodata.OutcomeOK
		change.Before, change.After = string(before), string(m.Sensitivity)
		change.Detail = string(before) + " → " + string(m.Sensitivity)
		_ = c.store.Audit(ctx, change)
	}
	return m, res, nil
}

// uploadMeta completes the metadata of an upload from the current version
// (for a replacement) and checks it; before is the current version's
// sensitivity ("" for a new layer). Making a restricted layer public needs
// the admin role.
func (c *Service) uploadMeta(ctx context.Context, r UploadRequest) (m geodata.Meta, before geodata.Sensitivity, err error) {
	m, err = c.checkMeta(ctx, r)
	if err != nil || !r.Replace {
		return m, "", err
	}
	cur, err := c.store.Current(ctx, m.ID)
	if err != nil {
		return m, "", err
	}
	if cur.Sensitivity == geodata.Restricted && m.Sensitivity == geodata.Public && !r.Role.AtLeast(account.Admin) {
		return m, "", &geodata.Error{Code: geodata.Forbidden, Details: map[string]any{"field": "sensitivity", "role": r.Role, "needed": account.Admin},
			Message: fmt.Sprintf("layer %q is restricted; only an admin can make it public (sensitivity=public). Leave sensitivity out to keep it restricted, or ask an admin to publish this version", m.ID)}
	}
	return m, cur.Sensitivity, nil
}

// checkMeta completes the metadata of an upload from the current version
// (for a replacement) and checks it.
func (c *Service) checkMeta(ctx context.Context, r UploadRequest) (geodata.Meta, error) {
	m := r.Meta
	declared, err := r.Coverage.declared(c.countries)
	if err != nil {
		return m, err
	}
	m.Coverage, m.CoverageSource = declared, ""
	if !geodata.ValidLayerID(m.ID) {
		return m, &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"field": "id"},
			Message: fmt.Sprintf("layer id %q is not valid: use 1–63 lower-case letters, digits or hyphens, starting with a letter or digit", geodata.Truncate(m.ID, 64))}
	}
	if c.reserved[m.ID] {
		return m, geodata.Errorf(geodata.Conflict, "layer id %q is reserved for a derived layer; choose another id", m.ID)
	}
	cur, err := c.store.Current(ctx, m.ID)
	exists := err == nil
	if err != nil && geodata.ErrorCode(err) != geodata.NotFound {
		return m, err
	}
	if !r.Replace {
		if exists {
			return m, &geodata.Error{Code: geodata.Conflict, Details: map[string]any{"layer": m.ID, "version": cur.Version},
				Message: fmt.Sprintf("layer %q already exists (version %d); to publish a new version use PUT /api/v1/layers/%s", m.ID, cur.Version, m.ID)}
		}
		if vs, verr := c.store.Versions(ctx, m.ID); verr == nil && len(vs) > 0 {
			return m, &geodata.Error{Code: geodata.Conflict, Details: map[string]any{"layer": m.ID, "deleted": true},
				Message: fmt.Sprintf("layer %q was deleted and its versions are kept; restore one (POST /api/v1/layers/%s/versions/N/restore) or choose another id", m.ID, m.ID)}
		}
		if m.Sensitivity == "" {
			m.Sensitivity = geodata.Restricted
			if m.Kind == geodata.KindExposure {
				// Counts of crossings are public statistics.
				m.Sensitivity = geodata.Public
			}
		}
		if err := exposureSources(m); err != nil {
			return m, err
		}
		if err := m.Validate(); err != nil {
			return m, err
		}
		return withCoverageSource(m), nil
	}
	if !exists {
		return m, err
	}
	if m.Kind != "" && m.Kind != cur.Kind {
		return m, &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"field": "kind"},
			Message: fmt.Sprintf("layer %q is a %s layer; a new version cannot change its kind to %s — create a new layer instead", m.ID, cur.Kind, m.Kind)}
	}
	next := cur
	if m.Title != "" {
		next.Title = m.Title
	}
	if m.Description != "" {
		next.Description = m.Description
	}
	if m.Sensitivity != "" {
		next.Sensitivity = m.Sensitivity
	}
	if len(m.Sources) > 0 {
		next.Sources = m.Sources
	}
	// A new version keeps the layer's declared coverage unless it
	// declares another, or asks for the computed one.
	next.Coverage = next.Coverage.Declared()
	switch {
	case declared != nil:
		next.Coverage = declared
	case r.Coverage.Source == geodata.CoverageComputed:
		next.Coverage = nil
	}
	if err := next.Validate(); err != nil {
		return m, err
	}
	return withCoverageSource(next), nil
}

// withCoverageSource states, for a service layer, whether its coverage is
// declared or computed.
func withCoverageSource(m geodata.Meta) geodata.Meta {
	m.CoverageSource = ""
	if m.Kind == geodata.KindService {
		m.CoverageSource = geodata.CoverageComputed
		if !m.Coverage.Empty() {
			m.CoverageSource = geodata.CoverageDeclared
		}
	}
	return m
}

// exposureSources checks that an exposure layer names its source and
// licence: the answers that divide by its counts cite them.
func exposureSources(m geodata.Meta) error {
	if m.Kind != geodata.KindExposure {
		return nil
	}
	for _, s := range m.Sources {
		if s.Name != "" && s.License != "" {
			return nil
		}
	}
	return &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"field": "source"},
		Message: "an exposure layer needs its source and licence (fields \"source\" and \"license\"): deaths per 1,000 crossings name the series they divide by"}
}
