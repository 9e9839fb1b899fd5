package formats

import "github.com/routerisk/routerisk/geodata"

// Decode reads src in format f with the decoder for that format.
func Decode(f Format, src Source, opts Options) (*Decoded, error) {
	switch f {
	case GeoJSON:
		return ReadGeoJSON(src.Reader(), opts)
	case CSV:
		return DecodeCSV(src.Reader(), opts)
	case KML:
		return DecodeKML(src.Reader(), opts)
	case KMZ:
		return DecodeKMZ(src, opts)
	case GPX:
		return DecodeGPX(src.Reader(), opts)
	case Shapefile:
		return DecodeShapefile(src, opts)
	case GeoPackage:
		if src.Path == "" {
			return nil, geodata.Errorf(geodata.Internal, "a GeoPackage must be read from a file on disk")
		}
		return DecodeGeoPackage(src, opts)
	case HSDS:
		return DecodeHSDS(src, opts)
	case OSM:
		return DecodeOSM(src, opts)
	}
	_, err := ParseFormat(string(f))
	return nil, err
}
