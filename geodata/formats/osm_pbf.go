package formats

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/routerisk/routerisk/geodata"
)

// The .osm.pbf reader is RouteRisk's own, on protowire, rather than
// paulmach/osm/osmpbf: that package indexes a block's string table with
// the numbers the file gives, unchecked, in goroutines of its own (a
// crafted file would crash the server, past any recover), and inflates
// blocks to whatever size they declare. This one reads one block at a
// time, checks every index and every size, and bounds what it inflates by
// the archive limits.

// The .osm.pbf format's own bounds: a BlobHeader is under 64 KiB and a
// Blob, compressed or inflated, at most 32 MiB.
const (
	pbfMaxHeader = 64 << 10
	pbfMaxBlob   = 32 << 20
)

// osmPBFReader reads an .osm.pbf (OSMHeader, then OSMData blocks of
// nodes, dense nodes, ways and relations; zlib or uncompressed).
type osmPBFReader struct {
	src Source
	lim Limits
}

func (r osmPBFReader) encoding() string { return "PBF" }

// errPBF is a damaged-file error naming the block.
func errPBF(block int, format string, args ...any) error {
	return geodata.Errorf(geodata.Invalid, "the .osm.pbf is damaged or not one (block %d: %s); download or convert it again (osmium cat in.osm -o out.osm.pbf)",
		block, fmt.Sprintf(format, args...))
}

func (r osmPBFReader) scan(want osmWant, fn func(*osmElem) error) error {
	in := r.src.Reader()
	var inflated int64
	var size [4]byte
	for block := 1; ; block++ {
		if _, err := io.ReadFull(in, size[:]); err == io.EOF && block > 1 {
			return nil
		} else if err != nil {
			return errPBF(block, "cut short")
		}
		hlen := binary.BigEndian.Uint32(size[:])
		if hlen == 0 || hlen >= pbfMaxHeader {
			return errPBF(block, "a block header of %d bytes", hlen)
		}
		hdr := make([]byte, hlen)
		if _, err := io.ReadFull(in, hdr); err != nil {
			return errPBF(block, "cut short")
		}
		typ, datasize, err := pbfBlobHeader(hdr)
		if err != nil {
			return errPBF(block, "%v", err)
		}
		if (block == 1) != (typ == "OSMHeader") {
			return errPBF(block, "a %s block where the format has %s", typ, map[bool]string{true: "OSMHeader first", false: "OSMData"}[block == 1])
		}
		if datasize <= 0 || datasize >= pbfMaxBlob {
			return errPBF(block, "a block of %d bytes (the format allows up to 32 MiB)", datasize)
		}
		blob := make([]byte, datasize)
		if _, err := io.ReadFull(in, blob); err != nil {
			return errPBF(block, "cut short")
		}
		data, err := pbfBlobData(blob)
		if err != nil {
			var ge *geodata.Error
			if errors.As(err, &ge) {
				return ge
			}
			return errPBF(block, "%v", err)
		}
		inflated += int64(len(data))
		if inflated > r.lim.MaxInflatedBytes {
			return &geodata.Error{Code: geodata.TooLarge, Details: map[string]any{"limit": "max_inflated_bytes", "value": r.lim.MaxInflatedBytes},
				Message: fmt.Sprintf("the .osm.pbf inflates to more than %d bytes (limit max_inflated_bytes); extract a smaller area (osmium extract)", r.lim.MaxInflatedBytes)}
		}
		if int64(len(data)) > zipRatioGraceBytes && int64(len(data)) > r.lim.MaxInflateRatio*int64(datasize) {
			return &geodata.Error{Code: geodata.TooLarge, Details: map[string]any{"limit": "max_inflate_ratio", "value": r.lim.MaxInflateRatio},
				Message: fmt.Sprintf("block %d of the .osm.pbf inflates to more than %d times its size (limit max_inflate_ratio); the file looks like a compression bomb", block, r.lim.MaxInflateRatio)}
		}
		if typ == "OSMHeader" {
			if err := pbfCheckHeader(data); err != nil {
				return err
			}
			continue
		}
		if err := pbfPrimitiveBlock(data, want, fn); err != nil {
			var ge *geodata.Error
			if errors.As(err, &ge) {
				return ge
			}
			return errPBF(block, "%v", err)
		}
	}
}

// pbfFields calls fn for each field of a message; fn consumes the value
// and answers how many bytes it used, or -1 to have it skipped.
func pbfFields(b []byte, fn func(num protowire.Number, typ protowire.Type, b []byte) (int, error)) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errors.New("an unreadable field")
		}
		b = b[n:]
		used, err := fn(num, typ, b)
		if err != nil {
			return err
		}
		if used < 0 {
			used = protowire.ConsumeFieldValue(num, typ, b)
			if used < 0 {
				return errors.New("an unreadable field")
			}
		}
		b = b[used:]
	}
	return nil
}

// pbfBytes reads a length-delimited value.
func pbfBytes(typ protowire.Type, b []byte) ([]byte, int, error) {
	if typ != protowire.BytesType {
		return nil, 0, errors.New("a field of the wrong type")
	}
	v, n := protowire.ConsumeBytes(b)
	if n < 0 {
		return nil, 0, errors.New("an unreadable field")
	}
	return v, n, nil
}

// pbfVarint reads a varint value.
func pbfVarint(typ protowire.Type, b []byte) (uint64, int, error) {
	if typ != protowire.VarintType {
		return 0, 0, errors.New("a field of the wrong type")
	}
	v, n := protowire.ConsumeVarint(b)
	if n < 0 {
		return 0, 0, errors.New("an unreadable number")
	}
	return v, n, nil
}

// pbfVarints reads a repeated varint field, packed or not, appending.
func pbfVarints(dst []uint64, typ protowire.Type, b []byte) ([]uint64, int, error) {
	if typ == protowire.VarintType {
		v, n, err := pbfVarint(typ, b)
		return append(dst, v), n, err
	}
	p, n, err := pbfBytes(typ, b)
	if err != nil {
		return dst, 0, err
	}
	for len(p) > 0 {
		v, m := protowire.ConsumeVarint(p)
		if m < 0 {
			return dst, 0, errors.New("an unreadable packed list")
		}
		dst, p = append(dst, v), p[m:]
	}
	return dst, n, nil
}

// pbfBlobHeader reads BlobHeader{1: type, 3: datasize}.
func pbfBlobHeader(b []byte) (typ string, datasize int64, err error) {
	err = pbfFields(b, func(num protowire.Number, t protowire.Type, b []byte) (int, error) {
		switch num {
		case 1:
			v, n, err := pbfBytes(t, b)
			typ = string(v)
			return n, err
		case 3:
			v, n, err := pbfVarint(t, b)
			datasize = int64(int32(v))
			return n, err
		}
		return -1, nil
	})
	if err != nil {
		return "", 0, err
	}
	if typ != "OSMHeader" && typ != "OSMData" {
		return "", 0, fmt.Errorf("a block of type %q", geodata.Truncate(typ, 20))
	}
	return typ, datasize, nil
}

// pbfBlobData reads Blob{1: raw, 2: raw_size, 3: zlib_data} and answers
// the block's data, inflated to at most the raw_size it declares.
func pbfBlobData(b []byte) ([]byte, error) {
	var raw, zdata []byte
	rawSize := int64(-1)
	haveRaw, haveZlib, other := false, false, false
	err := pbfFields(b, func(num protowire.Number, t protowire.Type, b []byte) (int, error) {
		var n int
		var err error
		switch num {
		case 1:
			raw, n, err = pbfBytes(t, b)
			haveRaw = true
		case 2:
			var v uint64
			v, n, err = pbfVarint(t, b)
			rawSize = int64(int32(v))
		case 3:
			zdata, n, err = pbfBytes(t, b)
			haveZlib = true
		case 4, 5, 6, 7:
			other = true
			return -1, nil
		default:
			return -1, nil
		}
		return n, err
	})
	switch {
	case err != nil:
		return nil, err
	case haveRaw:
		return raw, nil
	case other && !haveZlib:
		return nil, geodata.Errorf(geodata.Invalid,
			"the .osm.pbf uses a compression other than zlib (lzma, lz4 or zstd), which RouteRisk does not read; convert it: osmium cat in.osm.pbf -o out.osm.pbf -f pbf,pbf_compression=zlib")
	case !haveZlib:
		return nil, errors.New("a block with no data")
	case rawSize < 0 || rawSize > pbfMaxBlob:
		return nil, fmt.Errorf("a block declaring %d bytes once inflated (the format allows up to 32 MiB)", rawSize)
	}
	zr, err := zlib.NewReader(bytes.NewReader(zdata))
	if err != nil {
		return nil, errors.New("a block whose zlib data cannot be read")
	}
	out := bytes.NewBuffer(make([]byte, 0, min(rawSize, 1<<20)))
	n, err := io.Copy(out, io.LimitReader(zr, rawSize+1))
	if err != nil {
		return nil, errors.New("a block whose zlib data is corrupt")
	}
	if n != rawSize {
		return nil, fmt.Errorf("a block inflating to %d bytes where it declares %d", n, rawSize)
	}
	return out.Bytes(), nil
}

// pbfFeatures are the required features the reader understands.
var pbfFeatures = map[string]bool{"OsmSchema-V0.6": true, "DenseNodes": true, "HistoricalInformation": true}

// pbfCheckHeader refuses a file that needs a feature this reader lacks.
func pbfCheckHeader(b []byte) error {
	var missing []string
	err := pbfFields(b, func(num protowire.Number, t protowire.Type, b []byte) (int, error) {
		if num != 4 {
			return -1, nil
		}
		v, n, err := pbfBytes(t, b)
		if err == nil && !pbfFeatures[string(v)] {
			missing = append(missing, geodata.Truncate(string(v), 40))
		}
		return n, err
	})
	if err != nil {
		return errPBF(1, "%v", err)
	}
	if len(missing) > 0 {
		return geodata.Errorf(geodata.Invalid, "the .osm.pbf needs %s, which RouteRisk does not read; convert it with osmium cat in.osm.pbf -o out.osm.pbf", listNames(missing))
	}
	return nil
}

// pbfBlock is what a PrimitiveBlock's elements are read against.
type pbfBlock struct {
	strings              [][]byte
	granularity          int64
	latOffset, lonOffset int64
	want                 osmWant
	fn                   func(*osmElem) error
}

func (pb *pbfBlock) str(i uint64) (string, error) {
	if i >= uint64(len(pb.strings)) {
		return "", fmt.Errorf("string %d of a table of %d", i, len(pb.strings))
	}
	return string(pb.strings[i]), nil
}

func (pb *pbfBlock) tags(keys, vals []uint64) (map[string]string, error) {
	if len(keys) != len(vals) {
		return nil, errors.New("tags with more keys than values")
	}
	if len(keys) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(keys))
	for i := range keys {
		k, err := pb.str(keys[i])
		if err != nil {
			return nil, err
		}
		v, err := pb.str(vals[i])
		if err != nil {
			return nil, err
		}
		m[k] = v
	}
	return m, nil
}

func (pb *pbfBlock) coord(offset, v int64) float64 {
	return float64(offset+pb.granularity*v) / 1e9
}

// pbfPrimitiveBlock reads one OSMData block and calls fn per element.
func pbfPrimitiveBlock(b []byte, want osmWant, fn func(*osmElem) error) error {
	pb := &pbfBlock{granularity: 100, want: want, fn: fn}
	var groups [][]byte
	err := pbfFields(b, func(num protowire.Number, t protowire.Type, b []byte) (int, error) {
		switch num {
		case 1:
			st, n, err := pbfBytes(t, b)
			if err != nil {
				return 0, err
			}
			err = pbfFields(st, func(num protowire.Number, t protowire.Type, b []byte) (int, error) {
				if num != 1 {
					return -1, nil
				}
				s, n, err := pbfBytes(t, b)
				pb.strings = append(pb.strings, s)
				return n, err
			})
			return n, err
		case 2:
			g, n, err := pbfBytes(t, b)
			groups = append(groups, g)
			return n, err
		case 17, 19, 20:
			v, n, err := pbfVarint(t, b)
			switch num {
			case 17:
				pb.granularity = int64(int32(v))
			case 19:
				pb.latOffset = int64(v)
			case 20:
				pb.lonOffset = int64(v)
			}
			return n, err
		}
		return -1, nil
	})
	if err != nil {
		return err
	}
	if pb.granularity <= 0 {
		return fmt.Errorf("a granularity of %d", pb.granularity)
	}
	for _, g := range groups {
		err := pbfFields(g, func(num protowire.Number, t protowire.Type, b []byte) (int, error) {
			v, n, err := pbfBytes(t, b)
			if err != nil {
				return -1, nil // not a message: skipped
			}
			switch {
			case num == 1 && want.nodes:
				err = pb.node(v)
			case num == 2 && want.nodes:
				err = pb.denseNodes(v)
			case num == 3 && want.ways:
				err = pb.way(v)
			case num == 4 && want.relations:
				err = pb.relation(v)
			}
			return n, err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (pb *pbfBlock) node(b []byte) error {
	var id, lat, lon int64
	var keys, vals []uint64
	err := pbfFields(b, func(num protowire.Number, t protowire.Type, b []byte) (int, error) {
		var n int
		var err error
		var v uint64
		switch num {
		case 1, 8, 9:
			v, n, err = pbfVarint(t, b)
			s := protowire.DecodeZigZag(v)
			switch num {
			case 1:
				id = s
			case 8:
				lat = s
			case 9:
				lon = s
			}
		case 2:
			keys, n, err = pbfVarints(keys, t, b)
		case 3:
			vals, n, err = pbfVarints(vals, t, b)
		default:
			return -1, nil
		}
		return n, err
	})
	if err != nil {
		return err
	}
	tags, err := pb.tags(keys, vals)
	if err != nil {
		return err
	}
	return pb.fn(&osmElem{typ: "node", id: id, tags: tags, lat: pb.coord(pb.latOffset, lat), lon: pb.coord(pb.lonOffset, lon), hasCoord: true})
}

func (pb *pbfBlock) denseNodes(b []byte) error {
	var ids, lats, lons, kv []uint64
	err := pbfFields(b, func(num protowire.Number, t protowire.Type, b []byte) (int, error) {
		var n int
		var err error
		switch num {
		case 1:
			ids, n, err = pbfVarints(ids, t, b)
		case 8:
			lats, n, err = pbfVarints(lats, t, b)
		case 9:
			lons, n, err = pbfVarints(lons, t, b)
		case 10:
			kv, n, err = pbfVarints(kv, t, b)
		default:
			return -1, nil
		}
		return n, err
	})
	if err != nil {
		return err
	}
	if len(lats) != len(ids) || len(lons) != len(ids) {
		return fmt.Errorf("dense nodes with %d ids, %d latitudes and %d longitudes", len(ids), len(lats), len(lons))
	}
	var id, lat, lon int64
	k := 0
	for i := range ids {
		id += protowire.DecodeZigZag(ids[i])
		lat += protowire.DecodeZigZag(lats[i])
		lon += protowire.DecodeZigZag(lons[i])
		var tags map[string]string
		if len(kv) > 0 {
			for k < len(kv) && kv[k] != 0 {
				if k+1 >= len(kv) {
					return errors.New("dense node tags with a key and no value")
				}
				key, err := pb.str(kv[k])
				if err != nil {
					return err
				}
				val, err := pb.str(kv[k+1])
				if err != nil {
					return err
				}
				if tags == nil {
					tags = map[string]string{}
				}
				tags[key] = val
				k += 2
			}
			k++ // the 0 that ends this node's tags
		}
		e := &osmElem{typ: "node", id: id, tags: tags, lat: pb.coord(pb.latOffset, lat), lon: pb.coord(pb.lonOffset, lon), hasCoord: true}
		if err := pb.fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (pb *pbfBlock) way(b []byte) error {
	var id int64
	var keys, vals, refs []uint64
	err := pbfFields(b, func(num protowire.Number, t protowire.Type, b []byte) (int, error) {
		var n int
		var err error
		switch num {
		case 1:
			var v uint64
			v, n, err = pbfVarint(t, b)
			id = int64(v)
		case 2:
			keys, n, err = pbfVarints(keys, t, b)
		case 3:
			vals, n, err = pbfVarints(vals, t, b)
		case 8:
			refs, n, err = pbfVarints(refs, t, b)
		default:
			return -1, nil
		}
		return n, err
	})
	if err != nil {
		return err
	}
	tags, err := pb.tags(keys, vals)
	if err != nil {
		return err
	}
	nodes := make([]int64, len(refs))
	var ref int64
	for i, r := range refs {
		ref += protowire.DecodeZigZag(r)
		nodes[i] = ref
	}
	return pb.fn(&osmElem{typ: "way", id: id, tags: tags, nodes: nodes})
}

// pbfMemberTypes are the relation member types by their number.
var pbfMemberTypes = []string{"node", "way", "relation"}

func (pb *pbfBlock) relation(b []byte) error {
	var id int64
	var keys, vals, roles, memids, types []uint64
	err := pbfFields(b, func(num protowire.Number, t protowire.Type, b []byte) (int, error) {
		var n int
		var err error
		switch num {
		case 1:
			var v uint64
			v, n, err = pbfVarint(t, b)
			id = int64(v)
		case 2:
			keys, n, err = pbfVarints(keys, t, b)
		case 3:
			vals, n, err = pbfVarints(vals, t, b)
		case 8:
			roles, n, err = pbfVarints(roles, t, b)
		case 9:
			memids, n, err = pbfVarints(memids, t, b)
		case 10:
			types, n, err = pbfVarints(types, t, b)
		default:
			return -1, nil
		}
		return n, err
	})
	if err != nil {
		return err
	}
	tags, err := pb.tags(keys, vals)
	if err != nil {
		return err
	}
	if len(roles) != len(memids) || len(types) != len(memids) {
		return fmt.Errorf("a relation with %d members, %d roles and %d types", len(memids), len(roles), len(types))
	}
	e := &osmElem{typ: "relation", id: id, tags: tags}
	var ref int64
	for i := range memids {
		ref += protowire.DecodeZigZag(memids[i])
		role, err := pb.str(uint64(int32(roles[i])))
		if err != nil {
			return err
		}
		if types[i] >= uint64(len(pbfMemberTypes)) {
			return fmt.Errorf("a member of type %d", types[i])
		}
		e.members = append(e.members, osmMember{typ: pbfMemberTypes[types[i]], role: role, ref: ref})
	}
	return pb.fn(e)
}
