package render

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// MaxLatitude is the latitude Web Mercator stops at (the square world of
// web maps); bounds and features are clamped to ±MaxLatitude.
const MaxLatitude = 85.05112877980659

// earthRadius is the sphere of Web Mercator (EPSG:3857), in metres.
const earthRadius = 6378137.0

// maxScale caps the zoom of a tiny bound at about web-map zoom 20, in
// pixels per radian of longitude.
const maxScale = 256 * (1 << 20) / (2 * math.Pi)

// rect is a pixel rectangle of the page, y downwards.
type rect struct{ x0, y0, x1, y1 float64 }

func (r rect) w() float64 { return r.x1 - r.x0 }
func (r rect) h() float64 { return r.y1 - r.y0 }

// grow returns r with d pixels added on every side.
func (r rect) grow(d float64) rect { return rect{r.x0 - d, r.y0 - d, r.x1 + d, r.y1 + d} }

// bound is r as an orb.Bound (for clipping).
func (r rect) bound() orb.Bound {
	return orb.Bound{Min: orb.Point{r.x0, r.y0}, Max: orb.Point{r.x1, r.y1}}
}

// intersects reports whether r and o overlap.
func (r rect) intersects(o rect) bool {
	return r.x0 <= o.x1 && o.x0 <= r.x1 && r.y0 <= o.y1 && o.y0 <= r.y1
}

// contains reports whether the point lies in r.
func (r rect) contains(x, y float64) bool { return x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1 }

// mercator projects lon/lat degrees to Web Mercator world units: x is the
// longitude in radians, y grows northwards; latitudes are clamped to
// ±MaxLatitude.
func mercator(lon, lat float64) (x, y float64) {
	lat = math.Max(-MaxLatitude, math.Min(MaxLatitude, lat))
	return lon * math.Pi / 180, math.Log(math.Tan(math.Pi/4 + lat*math.Pi/360))
}

// latitude is the inverse of mercator's y, in degrees.
func latitude(y float64) float64 {
	return (2*math.Atan(math.Exp(y)) - math.Pi/2) * 180 / math.Pi
}

// view maps lon/lat onto the map frame of the page.
type view struct {
	frame  rect
	scale  float64 // pixels per world unit (radian of longitude)
	cx, cy float64 // world coordinates of the frame's centre
}

// fitView fits the bound into the frame in Web Mercator: the bound's
// centre at the frame's centre, as large as fits, the other axis widened
// to keep the aspect. The bound must have passed checkBound.
func fitView(b orb.Bound, frame rect) view {
	x0, y0 := mercator(b.Min.X(), b.Min.Y())
	x1, y1 := mercator(b.Max.X(), b.Max.Y())
	scale := maxScale
	if dx := x1 - x0; dx > 0 {
		scale = math.Min(scale, frame.w()/dx)
	}
	if dy := y1 - y0; dy > 0 {
		scale = math.Min(scale, frame.h()/dy)
	}
	return view{frame: frame, scale: scale, cx: (x0 + x1) / 2, cy: (y0 + y1) / 2}
}

// project returns the page pixel of a lon/lat position.
func (v view) project(lon, lat float64) (float64, float64) {
	x, y := mercator(lon, lat)
	return (v.frame.x0+v.frame.x1)/2 + (x-v.cx)*v.scale, (v.frame.y0+v.frame.y1)/2 - (y-v.cy)*v.scale
}

// unproject returns the lon/lat of a page pixel.
func (v view) unproject(px, py float64) (lon, lat float64) {
	x := v.cx + (px-(v.frame.x0+v.frame.x1)/2)/v.scale
	y := v.cy - (py-(v.frame.y0+v.frame.y1)/2)/v.scale
	return x * 180 / math.Pi, latitude(y)
}

// lonLatBound is the lon/lat box the frame shows, widened by pad pixels
// (longitudes may pass ±180 when the view is wider than the world).
func (v view) lonLatBound(pad float64) orb.Bound {
	f := v.frame.grow(pad)
	lon0, lat1 := v.unproject(f.x0, f.y0)
	lon1, lat0 := v.unproject(f.x1, f.y1)
	return orb.Bound{Min: orb.Point{lon0, lat0}, Max: orb.Point{lon1, lat1}}
}

// centreLatitude is the latitude at the middle of the frame.
func (v view) centreLatitude() float64 { return latitude(v.cy) }

// metresPerPixel is the true ground distance of one pixel at a latitude
// (Web Mercator stretches by 1/cos(latitude)).
func (v view) metresPerPixel(lat float64) float64 {
	return earthRadius * math.Cos(lat*math.Pi/180) / v.scale
}

// scaleBar is a scale bar: a round ground length and its length in pixels.
type scaleBar struct {
	metres float64
	pixels float64
	label  string // "500 km", "200 m"
}

// chooseScaleBar picks the longest round length (1, 2 or 5 × 10ⁿ metres)
// whose bar is at most maxPixels long at the given ground resolution.
// ok is false when even 1 m would be too long (never for real maps).
func chooseScaleBar(metresPerPixel, maxPixels float64) (scaleBar, bool) {
	if !(metresPerPixel > 0) || !(maxPixels > 0) || math.IsInf(metresPerPixel, 0) {
		return scaleBar{}, false
	}
	maxMetres := metresPerPixel * maxPixels
	best := 0.0
	for exp := 0; exp <= 8; exp++ {
		for _, m := range []float64{1, 2, 5} {
			l := m * math.Pow(10, float64(exp))
			if l <= maxMetres {
				best = l
			}
		}
	}
	if best == 0 {
		return scaleBar{}, false
	}
	label := groupThousands(int64(best)) + " m"
	if best >= 1000 {
		label = groupThousands(int64(best/1000)) + " km"
	}
	return scaleBar{metres: best, pixels: best / metresPerPixel, label: label}, true
}

// groupThousands writes n with commas between groups of three digits.
func groupThousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + groupThousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// latitudeLabel writes a latitude as "35° N", "12° S", "0°".
func latitudeLabel(lat float64) string {
	d := math.Round(lat)
	switch {
	case d > 0:
		return fmt.Sprintf("%.0f° N", d)
	case d < 0:
		return fmt.Sprintf("%.0f° S", -d)
	default:
		return "0°"
	}
}
