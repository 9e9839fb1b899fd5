package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/coverage"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/ingest"
	"github.com/routerisk/routerisk/server/publishing"
)

// UploadOptions bound uploads. Zero values take the defaults.
type UploadOptions struct {
	MaxBytes int64          // largest file (default 100 MiB)
	Limits   formats.Limits // features, vertices, properties, value length, archives
	SpoolDir string         // where uploaded files are kept while read (default: the OS temp folder)
}

func (o UploadOptions) withDefaults() UploadOptions {
	if o.MaxBytes <= 0 {
		o.MaxBytes = 100 << 20
	}
	o.Limits = o.Limits.WithDefaults()
	return o
}

// maxFieldBytes bounds one text field of an upload form, but
// coverage_area, which maxAreaBytes bounds.
const (
	maxFieldBytes = 64 << 10
	maxAreaBytes  = 1 << 20
)

// uploadForm is a parsed multipart upload: the file spooled to disk and
// the text fields.
type uploadForm struct {
	src    formats.Source
	file   *os.File
	fields map[string]string
}

func (f *uploadForm) close() {
	if f.file != nil {
		name := f.file.Name()
		f.file.Close()
		os.Remove(name)
	}
}

// readUpload streams a multipart/form-data body: the "file" part goes to a
// temporary file (never wholly into memory), other parts are small fields.
// It enforces the size limit on the bytes actually received.
func (h *handlers) readUpload(c echo.Context, needFile bool) (*uploadForm, error) {
	o := h.opts.Uploads
	ct := c.Request().Header.Get(echo.HeaderContentType)
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, geodata.Errorf(geodata.Invalid, "send the upload as multipart/form-data with the file in a part named \"file\" (got Content-Type %q)", geodata.Truncate(ct, 60))
	}
	if c.Request().ContentLength > o.MaxBytes+maxFieldBytes*16+maxAreaBytes {
		return nil, fileTooLarge(o.MaxBytes)
	}
	body := http.MaxBytesReader(c.Response(), c.Request().Body, o.MaxBytes+maxFieldBytes*16+maxAreaBytes)
	mr := multipart.NewReader(body, params["boundary"])
	form := &uploadForm{fields: map[string]string{}}
	ok := false
	defer func() {
		if !ok {
			form.close()
		}
	}()
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, bodyError(err, o.MaxBytes)
		}
		name := part.FormName()
		switch {
		case name == "file":
			if form.file != nil {
				return nil, geodata.Errorf(geodata.Invalid, "send one file per upload")
			}
			if err := os.MkdirAll(o.SpoolDir, 0o700); o.SpoolDir != "" && err != nil {
				return nil, err
			}
			f, err := os.CreateTemp(o.SpoolDir, "upload-*")
			if err != nil {
				return nil, err
			}
			form.file = f
			n, err := io.Copy(f, io.LimitReader(part, o.MaxBytes+1))
			if err != nil {
				return nil, bodyError(err, o.MaxBytes)
			}
			if n > o.MaxBytes {
				return nil, fileTooLarge(o.MaxBytes)
			}
			form.src = formats.Source{Name: filepath.Base(part.FileName()), Path: f.Name(), Size: n, R: f}
		case name != "":
			limit := maxFieldBytes
			if name == coverage.FieldArea {
				limit = maxAreaBytes
			}
			b, err := io.ReadAll(io.LimitReader(part, int64(limit)+1))
			if err != nil {
				return nil, bodyError(err, o.MaxBytes)
			}
			if len(b) > limit {
				return nil, &geodata.Error{Code: geodata.TooLarge, Details: map[string]any{"field": geodata.Truncate(name, 40)},
					Message: fmt.Sprintf("the form field %q is longer than %d bytes", geodata.Truncate(name, 40), limit)}
			}
			form.fields[name] = string(b)
		}
		part.Close()
	}
	if needFile && form.file == nil {
		return nil, &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"field": "file"},
			Message: "the upload has no file: send it in a multipart part named \"file\""}
	}
	if form.file != nil {
		// Whatever format is given or detected, the file's own name must
		// not claim another kind of file (clinics.geojson.html).
		if err := formats.CheckName(form.src.Name); err != nil {
			return nil, err
		}
	}
	if form.file != nil && form.src.Size == 0 {
		return nil, &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"field": "file"}, Message: "the uploaded file is empty"}
	}
	ok = true
	return form, nil
}

func fileTooLarge(max int64) error {
	return &geodata.Error{Code: geodata.TooLarge, Details: map[string]any{"limit": "upload_max_bytes", "value": max},
		Message: fmt.Sprintf("the file is larger than %s (limit upload_max_bytes); split it or ask an admin to raise the limit", byteSize(max))}
}

func bodyError(err error, max int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fileTooLarge(max)
	}
	return &geodata.Error{Code: geodata.Invalid, Message: "the upload could not be read (" + geodata.Truncate(err.Error(), 100) + "); was it cut short?", Err: err}
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// ingestOptions reads kind, format, mapping, on_error and the CSV column
// overrides from the form.
func (h *handlers) ingestOptions(fields map[string]string, kind geodata.Kind) (ingest.Options, error) {
	o := ingest.Options{Kind: kind, Limits: h.opts.Uploads.Limits}
	var err error
	if v := strings.TrimSpace(fields["format"]); v != "" {
		if o.Format, err = formats.ParseFormat(v); err != nil {
			return o, err
		}
	}
	if o.OnError, err = ingest.ParseOnError(fields["on_error"]); err != nil {
		return o, err
	}
	if v := strings.TrimSpace(fields["mapping"]); v != "" && kind != "" {
		if o.Mapping, err = ingest.ParseMapping(kind, v); err != nil {
			return o, err
		}
	}
	o.CSV = formats.CSVOptions{Latitude: fields["lat"], Longitude: fields["lon"], Coordinates: fields["coordinates"], WKT: fields["wkt"]}
	switch fields["delimiter"] {
	case "":
	case ",", ";":
		o.CSV.Delimiter = rune(fields["delimiter"][0])
	case "tab", "\t":
		o.CSV.Delimiter = '\t'
	default:
		return o, geodata.InvalidParam("delimiter", fmt.Sprintf("is %q", geodata.Truncate(fields["delimiter"], 10)), "one of , ; tab")
	}
	return o, nil
}

// startUpload takes an upload slot, spools the form and grants its
// memory budget; done gives all three back.
func (h *handlers) startUpload(c echo.Context) (form *uploadForm, done func(), err error) {
	ticket, err := h.uc.Publishing.Begin()
	if err != nil {
		return nil, nil, err
	}
	form, err = h.readUpload(c, true)
	if err != nil {
		ticket.Done()
		return nil, nil, err
	}
	ticket.Budget(form.src.Size)
	return form, func() {
		form.close()
		ticket.Done()
	}, nil
}

// validateResponse is the answer of POST /uploads/validate.
type validateResponse struct {
	*ingest.Result
	Preview json.RawMessage `json:"preview"`
	BBox    []float64       `json:"bbox,omitempty"`
}

// previewFeatures is how many features the validation answer shows.
const previewFeatures = 500

// validateUpload reads and checks a file and stores nothing.
func (h *handlers) validateUpload(c echo.Context) error {
	form, done, err := h.startUpload(c)
	if err != nil {
		return err
	}
	defer done()
	kind := geodata.Kind(strings.TrimSpace(form.fields["kind"]))
	if kind == "" {
		// An Open Referral package or OpenStreetMap data is always a
		// service directory.
		kind = impliedKind(form)
	}
	o, err := h.ingestOptions(form.fields, kind)
	if err != nil {
		return err
	}
	if kind == "" {
		// Read from the file; when it does not tell, from its name, as
		// incidents at last.
		o.FallbackKind, _ = guessKind(form)
		o.MappingText = form.fields["mapping"]
	}
	o.OnError = ingest.SkipFeatures // the report is the answer either way
	res, err := h.uc.Publishing.Validate(form.src, o)
	if err != nil && res == nil {
		return err
	}
	l := geodata.Layer{Features: res.Features}
	l.Summarise()
	preview := res.Features
	if len(preview) > previewFeatures {
		preview = preview[:previewFeatures]
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, validateResponse{Result: res, Preview: encodePreview(preview), BBox: l.Meta.BBox})
}

// impliedKind is the kind the file's format always is (an Open Referral
// package, OpenStreetMap data: services), or "".
func impliedKind(form *uploadForm) geodata.Kind {
	return ingest.ImpliedKind(form.src, namedFormat(form))
}

// namedFormat is the format the form's "format" field names: "" to
// detect it, and "" too for a name that is not a format (the upload
// then answers that itself).
func namedFormat(form *uploadForm) formats.Format {
	f, err := formats.ParseFormat(strings.TrimSpace(form.fields["format"]))
	if err != nil {
		return ""
	}
	return f
}

// guessKind picks a kind from the file name when neither the form nor
// the file's content gives one.
func guessKind(form *uploadForm) (geodata.Kind, bool) {
	n := strings.ToLower(form.src.Name)
	switch {
	case strings.Contains(n, "route"):
		return geodata.KindRoute, true
	case strings.Contains(n, "service"), strings.Contains(n, "facilit"), strings.Contains(n, "health"):
		return geodata.KindService, true
	}
	return "", false
}

func encodePreview(feats []*geojson.Feature) json.RawMessage {
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, f := range feats {
		if i > 0 {
			b.WriteByte(',')
		}
		enc, err := formats.AppendFeature(nil, f, formats.EncodeOptions{Precision: -1})
		if err != nil {
			continue
		}
		b.Write(enc)
	}
	b.WriteString("]}")
	return b.Bytes()
}

// layerWriteResponse is the answer of a publish.
type layerWriteResponse struct {
	Layer  geodata.Meta   `json:"layer"`
	Report geodata.Report `json:"report"`
}

// createLayer publishes an upload as a new layer (201).
func (h *handlers) createLayer(c echo.Context) error {
	return h.publish(c, "", false)
}

// replaceLayer publishes an upload as a new version of a layer (200).
func (h *handlers) replaceLayer(c echo.Context) error {
	return h.publish(c, c.Param("id"), true)
}

func (h *handlers) publish(c echo.Context, id string, replace bool) error {
	form, done, err := h.startUpload(c)
	if err != nil {
		return err
	}
	defer done()
	f := form.fields
	if !replace {
		id = strings.TrimSpace(f["id"])
		if id == "" {
			return &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"field": "id"},
				Message: "give the new layer an id (field \"id\": lower-case letters, digits and hyphens)"}
		}
	}
	meta := geodata.Meta{
		ID: id, Kind: geodata.Kind(strings.TrimSpace(f["kind"])), Title: strings.TrimSpace(f["title"]),
		Description: strings.TrimSpace(f["description"]), Sensitivity: geodata.Sensitivity(strings.TrimSpace(f["sensitivity"])),
	}
	if !replace && meta.Kind == "" {
		// An Open Referral package or OpenStreetMap data is always
		// services, an ACLED export events, a DTM flow-monitoring table
		// exposure: their format or header says so.
		meta.Kind = ingest.FileKind(form.src, namedFormat(form))
	}
	if !replace && meta.Kind == "" {
		return &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"field": "kind"},
			Message: "give the layer kind (field \"kind\": one of " + geodata.KindNames + ")"}
	}
	if src, lic := strings.TrimSpace(f["source"]), strings.TrimSpace(f["license"]); src != "" || lic != "" {
		if !replace && (src == "" || lic == "") {
			return &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"field": "license"},
				Message: "give both the source and the license of the data; they are shown on the map with every view"}
		}
		attribution := strings.TrimSpace(f["attribution"])
		if attribution == "" {
			attribution = src
		}
		meta.Sources = []geodata.Source{{Name: src, URL: strings.TrimSpace(f["source_url"]), License: lic, Attribution: attribution}}
	} else if !replace {
		return &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"field": "source"},
			Message: "give the source and the license of the data (fields \"source\" and \"license\"); they are shown on the map"}
	}
	kind := meta.Kind
	if replace && kind == "" {
		cur, err := h.uc.Library.Layer(id)
		if err != nil {
			return err
		}
		kind = cur.Kind
	}
	o, err := h.ingestOptions(f, kind)
	if err != nil {
		return err
	}
	by := geodata.AuditEntry{Actor: actor(c), RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
	p, _ := principal(c)
	cov := publishing.CoverageForm{Countries: f[coverage.FieldCountries], Area: f[coverage.FieldArea], Source: strings.TrimSpace(f["coverage_source"])}
	m, res, err := h.uc.Publishing.Upload(c.Request().Context(), publishing.UploadRequest{Source: form.src, Ingest: o, Meta: meta, Replace: replace, By: by, Role: p.Role, Coverage: cov})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if replace {
		status = http.StatusOK
	} else {
		c.Response().Header().Set(echo.HeaderLocation, "/api/v1/layers/"+m.ID)
	}
	return c.JSON(status, layerWriteResponse{Layer: coverage.Describe(m, false), Report: res.Report})
}
