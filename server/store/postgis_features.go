package store

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/paulmach/orb/geojson"
	"github.com/twpayne/go-geom/encoding/ewkb"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
)

// featureColumns are the columns of features that Publish copies in.
var featureColumns = []string{"layer_id", "version", "seq", "fid", "fid_number", "geom", "properties"}

// copyFeatures streams features into version v of layer id with COPY:
// each row is encoded as it is sent, so memory does not grow with the
// layer. An error (a feature that cannot be stored, a cancelled context,
// a geometry PostGIS refuses) aborts the copy and so the transaction.
func copyFeatures(ctx context.Context, tx pgx.Tx, id string, v int, features []*geojson.Feature) error {
	src := &featureRows{id: id, version: v, features: features, i: -1}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"features"}, featureColumns, src)
	if src.err != nil {
		return src.err // pgx reports it as the server's answer to the aborted copy
	}
	if err != nil {
		return err
	}
	if int(n) != len(features) {
		return fmt.Errorf("copied %d of %d features", n, len(features))
	}
	return nil
}

// featureRows is a pgx.CopyFromSource over features. pgx encodes each row
// before asking for the next, so the buffers are reused.
type featureRows struct {
	id       string
	version  int
	features []*geojson.Feature
	i        int
	geom     bytes.Buffer
	props    []byte
	row      [7]any
	err      error // why a row could not be made
}

func (r *featureRows) Next() bool {
	r.i++
	return r.i < len(r.features)
}

func (r *featureRows) Values() ([]any, error) {
	row, err := r.values()
	r.err = err
	return row, err
}

func (r *featureRows) values() ([]any, error) {
	f := r.features[r.i]
	if f == nil {
		return nil, r.invalid("is missing (nil)")
	}
	fid, number, ok := encodeID(f.ID)
	if !ok {
		return nil, r.invalid(fmt.Sprintf("has an id of type %T; an id is a string or a number", f.ID))
	}
	var g any // NULL for a feature without geometry
	if f.Geometry != nil {
		gg, err := toGeom(f.Geometry)
		if err != nil {
			return nil, r.invalid(err.Error())
		}
		r.geom.Reset()
		if err := ewkb.Write(&r.geom, ewkb.NDR, gg); err != nil {
			return nil, fmt.Errorf("feature %d: %w", r.i+1, err)
		}
		g = r.geom.Bytes()
	}
	var props any // NULL for a feature without properties
	if len(f.Properties) > 0 {
		var err error
		if r.props, err = appendProperties(r.props[:0], f.Properties); err != nil {
			return nil, fmt.Errorf("feature %d properties: %w", r.i+1, err)
		}
		props = r.props
	}
	r.row = [7]any{r.id, r.version, r.i, fid, number, g, props}
	return r.row[:], nil
}

func (r *featureRows) Err() error { return nil }

func (r *featureRows) invalid(problem string) error {
	return geodata.Errorf(geodata.Invalid, "feature %d of layer %s %s", r.i+1, r.id, problem)
}

// encodeID turns a feature id into its text and whether it is a number.
// Numbers are kept as float64, as the file store reads them back; a
// number that is not finite is no id, as the file store writes it (null).
// ok is false for an id of another type.
func encodeID(id any) (fid any, number bool, ok bool) {
	var f float64
	switch x := id.(type) {
	case nil:
		return nil, false, true
	case string:
		return x, false, true
	case float64:
		f = x
	case float32:
		f = float64(x)
	case int:
		f = float64(x)
	case int64:
		f = float64(x)
	case int32:
		f = float64(x)
	case uint:
		f = float64(x)
	case uint64:
		f = float64(x)
	case uint32:
		f = float64(x)
	default:
		return nil, false, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, false, true
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true, true
}

// propertiesPrefix is how formats.AppendFeature starts a feature without
// id and geometry; what follows up to the closing brace is the properties
// object exactly as the file store writes it.
var propertiesPrefix = []byte(`{"type":"Feature","geometry":null,"properties":`)

// appendProperties appends the JSON object of p, encoded by the file
// store's encoder (keys sorted, numbers and strings as it writes them), so
// both stores read back the same values.
func appendProperties(dst []byte, p geojson.Properties) ([]byte, error) {
	start := len(dst)
	out, err := formats.AppendFeature(dst, &geojson.Feature{Properties: p}, formats.EncodeOptions{Precision: -1})
	if err != nil {
		return dst, err
	}
	enc := out[start:]
	if !bytes.HasPrefix(enc, propertiesPrefix) || enc[len(enc)-1] != '}' {
		return dst, fmt.Errorf("unexpected feature encoding %.60q", enc)
	}
	n := copy(out[start:], enc[len(propertiesPrefix):len(enc)-1])
	return out[:start+n], nil
}

// readFeatures streams the features of version v of layer id, in the
// order they were published, building each orb feature from its row: the
// geometry from EWKB, the properties from their JSON. n is the expected
// count.
func (s *PostGIS) readFeatures(ctx context.Context, id string, v, n int) ([]*geojson.Feature, error) {
	rows, err := s.pool.Query(ctx, `SELECT fid, fid_number, ST_AsEWKB(geom), properties FROM features
		WHERE layer_id = $1 AND version = $2 ORDER BY seq`, id, v)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]*geojson.Feature, 0, n)
	in := newInterner()
	var fid *string
	var number bool
	// The geometry's format is known once the rows start (a query that
	// failed, such as one cancelled at shutdown, describes no fields).
	hexGeom, described := false, false
	var geomBuf []byte
	for rows.Next() {
		if !described {
			fds := rows.FieldDescriptions()
			if len(fds) < 4 {
				return nil, fmt.Errorf("reading the features of %s version %d: the query described %d columns", id, v, len(fds))
			}
			hexGeom, described = fds[2].Format == pgtype.TextFormatCode, true
		}
		if err := rows.Scan(&fid, &number, nil, nil); err != nil {
			return nil, err
		}
		raw := rows.RawValues()
		f := &geojson.Feature{Type: "Feature"}
		if fid != nil {
			f.ID = *fid
			if number {
				x, err := strconv.ParseFloat(*fid, 64)
				if err != nil {
					return nil, fmt.Errorf("feature %d: stored id %q is not a number", len(out)+1, *fid)
				}
				f.ID = x
			}
		}
		if g := raw[2]; g != nil {
			if hexGeom { // \x followed by hex digits
				geomBuf = append(geomBuf[:0], make([]byte, hex.DecodedLen(len(g)-2))...)
				if _, err := hex.Decode(geomBuf, g[2:]); err != nil {
					return nil, fmt.Errorf("feature %d geometry: %w", len(out)+1, err)
				}
				g = geomBuf
			}
			gg, err := ewkb.Unmarshal(g)
			if err != nil {
				return nil, fmt.Errorf("feature %d geometry: %w", len(out)+1, err)
			}
			if f.Geometry, err = toOrb(gg); err != nil {
				return nil, fmt.Errorf("feature %d geometry: %w", len(out)+1, err)
			}
		}
		if f.Properties, err = in.properties(raw[3]); err != nil {
			return nil, fmt.Errorf("feature %d properties: %w", len(out)+1, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// interner shares the memory of repeated property names and short
// repeated string values between the features of a layer, as the file
// store's reader does, so a layer read from either store costs the same.
type interner struct {
	keys    map[string]string
	vals    map[string]any
	scratch map[string]any // decoded into, then copied with shared names and values
}

// maxInterned bounds each table, so unique values cannot make it grow
// without limit; maxInternedLen is the longest value shared.
const (
	maxInterned    = 1 << 16
	maxInternedLen = 48
)

func newInterner() *interner {
	return &interner{keys: map[string]string{}, vals: map[string]any{}, scratch: map[string]any{}}
}

// properties decodes a properties object as encoding/json decodes into
// an any (numbers as float64); none (NULL or null) is an empty map, as
// the file store reads it.
func (in *interner) properties(raw []byte) (geojson.Properties, error) {
	if raw == nil {
		return geojson.Properties{}, nil
	}
	clear(in.scratch)
	if err := json.Unmarshal(raw, &in.scratch); err != nil {
		return nil, err
	}
	if in.scratch == nil { // null
		in.scratch = map[string]any{}
		return geojson.Properties{}, nil
	}
	props := make(geojson.Properties, len(in.scratch))
	for k, v := range in.scratch {
		props[in.key(k)] = in.value(v)
	}
	return props, nil
}

func (in *interner) key(k string) string {
	if s, ok := in.keys[k]; ok {
		return s
	}
	if len(in.keys) < maxInterned {
		in.keys[k] = k
	}
	return k
}

func (in *interner) value(v any) any {
	s, ok := v.(string)
	if !ok || len(s) > maxInternedLen {
		return v
	}
	if shared, ok := in.vals[s]; ok {
		return shared
	}
	if len(in.vals) < maxInterned {
		in.vals[s] = v
	}
	return v
}
