package coverage

import (
	"math"
	"strconv"
)

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 6, 64) }
func cos(a float64) float64 { return math.Cos(a) }
func sin(a float64) float64 { return math.Sin(a) }
