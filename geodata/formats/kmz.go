package formats

import (
	"archive/zip"
	"fmt"
	"path"
	"strings"

	"github.com/routerisk/routerisk/geodata"
)

// DecodeKMZ reads a KMZ: a zip whose main document is doc.kml at its root
// or, without one, the first .kml at the root (the first .kml in any
// folder as a last resort). The document is read as DecodeKML reads KML;
// images and other files in the zip are ignored.
//
// It returns an Invalid error when the zip breaks a safety rule (see
// DecodeShapefile) or holds no .kml, a TooLarge error when a limit is
// exceeded, and whatever DecodeKML returns for the document.
func DecodeKMZ(src Source, opts Options) (*Decoded, error) {
	opts.Limits = opts.Limits.WithDefaults()
	a, err := openArchive(src, opts.Limits)
	if err != nil {
		return nil, err
	}
	doc, others, err := kmzMainDocument(a.files)
	if err != nil {
		return nil, err
	}
	rc, err := a.open(doc)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d, err := DecodeKML(rc, opts)
	if a.err != nil {
		// The zip reader's error (a limit, a damaged entry) is the cause,
		// whatever the KML reader made of it.
		return nil, a.err
	}
	if err != nil {
		return nil, err
	}
	d.Format = KMZ
	note := fmt.Sprintf("read %s from the KMZ", doc.Name)
	if len(others) > 0 {
		note += fmt.Sprintf("; its other KML documents were not read: %s", listNames(others))
	}
	d.Notes = append([]string{note}, d.Notes...)
	return d, nil
}

// kmzMainDocument picks the KML document a KMZ reader opens, and lists
// the other .kml files.
func kmzMainDocument(files []*zip.File) (*zip.File, []string, error) {
	var main, firstRoot, firstAny *zip.File
	var kmls, names []string
	for _, f := range files {
		names = append(names, f.Name)
		if !strings.EqualFold(path.Ext(f.Name), ".kml") {
			continue
		}
		kmls = append(kmls, f.Name)
		atRoot := !strings.Contains(f.Name, "/")
		switch {
		case atRoot && strings.EqualFold(f.Name, "doc.kml"):
			main = f
		case atRoot && firstRoot == nil:
			firstRoot = f
		case firstAny == nil:
			firstAny = f
		}
	}
	for _, f := range []*zip.File{firstRoot, firstAny} {
		if main == nil {
			main = f
		}
	}
	if main == nil {
		return nil, nil, geodata.Errorf(geodata.Invalid,
			"the KMZ holds no .kml document (it holds %s); export it again from Google Earth or your GIS", listNames(names))
	}
	var others []string
	for _, k := range kmls {
		if k != main.Name {
			others = append(others, k)
		}
	}
	return main, others, nil
}
