package risk

import (
	"math"

	"github.com/paulmach/orb"
)

// EarthRadiusKm is the radius of the sphere every distance is measured on:
// the mean Earth radius R₁ = (2a + b) / 3 of the WGS84 ellipsoid
// (a = 6378.137 km, b = 6356.752314245 km). PostGIS uses the same sphere
// for geography when asked not to use the spheroid, so distances here
// agree with ST_Distance(a, b, false).
const EarthRadiusKm = 6371.008771415059

// vec3 is a point of the unit sphere (or a direction) in Earth-centred
// Cartesian coordinates: x towards (0°, 0°), y towards (90°E, 0°), z
// towards the North Pole.
type vec3 struct{ x, y, z float64 }

// unit returns the unit vector of a longitude/latitude point in degrees.
func unit(p orb.Point) vec3 {
	lon, lat := p[0]*math.Pi/180, p[1]*math.Pi/180
	sinLat, cosLat := math.Sincos(lat)
	sinLon, cosLon := math.Sincos(lon)
	return vec3{cosLat * cosLon, cosLat * sinLon, sinLat}
}

// lonLat returns the longitude/latitude in degrees of a unit vector.
func (v vec3) lonLat() orb.Point {
	lat := math.Atan2(v.z, math.Hypot(v.x, v.y)) * 180 / math.Pi
	lon := 0.0
	if v.x != 0 || v.y != 0 {
		lon = math.Atan2(v.y, v.x) * 180 / math.Pi
	}
	return orb.Point{lon, lat}
}

func (v vec3) dot(w vec3) float64 { return v.x*w.x + v.y*w.y + v.z*w.z }

func (v vec3) cross(w vec3) vec3 {
	return vec3{v.y*w.z - v.z*w.y, v.z*w.x - v.x*w.z, v.x*w.y - v.y*w.x}
}

func (v vec3) scale(f float64) vec3 { return vec3{v.x * f, v.y * f, v.z * f} }

func (v vec3) add(w vec3) vec3 { return vec3{v.x + w.x, v.y + w.y, v.z + w.z} }

func (v vec3) sub(w vec3) vec3 { return vec3{v.x - w.x, v.y - w.y, v.z - w.z} }

func (v vec3) norm() float64 { return math.Sqrt(v.dot(v)) }

// normalize returns v scaled to length 1; the zero vector stays zero.
func (v vec3) normalize() vec3 {
	n := v.norm()
	if n == 0 {
		return v
	}
	return v.scale(1 / n)
}

// angle returns the angle between two unit vectors in radians, accurate
// for small and large angles alike.
func angle(a, b vec3) float64 {
	return math.Atan2(a.cross(b).norm(), a.dot(b))
}

// asin2 returns asin(√x)², the squared angle whose sine squared is x,
// by the series Σ (2²ⁿ / (2n² C(2n, n))) xⁿ where that is exact to within
// rounding: for x < 0.0025 (angles up to 318 km on the Earth) the first
// term left out is below 10⁻¹⁴ of the result.
func asin2(x float64) float64 {
	if x < 0.0025 {
		return x * (1 + x*(1.0/3+x*(8.0/45+x*(4.0/35+x*(128.0/1575+x*(4096.0/66528))))))
	}
	a := math.Asin(math.Sqrt(x))
	return a * a
}

// chordAsin2 returns the squared angle between two unit vectors whose
// dot product is 1 − h: θ = 2·asin(√(h/2)), θ² = 4·asin2(h/2). Rounding
// in h (about 10⁻¹⁶) puts θ within 10⁻¹⁶/θ of the truth: under a
// millimetre on the Earth for any distance above 10 m.
func chordAsin2(h float64) float64 {
	if h < 0 {
		h = 0
	}
	return 4 * asin2(h/2)
}

// slerp returns the point a fraction f of the way from a to b along the
// great circle arc between them; theta is the angle between a and b.
func slerp(a, b vec3, theta, f float64) vec3 {
	if theta < 1e-12 {
		return a
	}
	s := math.Sin(theta)
	return a.scale(math.Sin((1-f)*theta) / s).add(b.scale(math.Sin(f*theta) / s)).normalize()
}
