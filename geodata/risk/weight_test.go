package risk

import (
	"math"
	"testing"
)

// TestKernel checks kernel, which the analysis calls with squared
// distances.
func TestKernel(t *testing.T) {
	tests := []struct {
		name    string
		d, r    float64
		want    float64
		epsilon float64
	}{
		{"on the line", 0, 25, 1, 0},
		{"half the radius: (1 − ¼)²", 12.5, 25, 0.5625, 1e-15},
		{"a fifth of the radius: (1 − 1/25)²", 5, 25, 0.9216, 1e-15},
		{"where it halves", 25 * math.Sqrt(1-math.Sqrt(0.5)), 25, 0.5, 1e-12},
		{"at the radius", 25, 25, 0, 0},
		{"beyond the radius", 30, 25, 0, 0},
		{"scale free", 100, 200, 0.5625, 1e-15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kernel(tt.d*tt.d, tt.r*tt.r); math.Abs(got-tt.want) > tt.epsilon {
				t.Errorf("kernel(%g², %g²) = %.17g, want %.17g", tt.d, tt.r, got, tt.want)
			}
		})
	}
}

func TestRecency(t *testing.T) {
	tests := []struct {
		name            string
		age, half, want float64
	}{
		{"on the reference date", 0, 365, 1},
		{"one half-life", 365, 365, 0.5},
		{"two half-lives", 730, 365, 0.25},
		{"ten half-lives", 3650, 365, 1.0 / 1024},
		{"half a half-life", 15, 30, math.Sqrt(0.5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Recency(tt.age, tt.half); math.Abs(got-tt.want) > 1e-15 {
				t.Errorf("Recency(%g, %g) = %.17g, want %.17g", tt.age, tt.half, got, tt.want)
			}
		})
	}
}

func TestSeverity(t *testing.T) {
	tests := []struct {
		name                    string
		dead, missing, nonFatal float64
		want                    float64
	}{
		{"dead and missing add up", 3, 4, 0.5, 7},
		{"dead only", 1, 0, 0.5, 1},
		{"missing only", 0, 750, 0.5, 750},
		{"no one dead or missing", 0, 0, 0.5, 0.5},
		{"no one dead or missing, weight zero", 0, 0, 0, 0},
		{"negative counts count as zero", -2, 3, 0.5, 3},
		{"all negative: non-fatal", -2, -3, 0.25, 0.25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Severity(tt.dead, tt.missing, tt.nonFatal); got != tt.want {
				t.Errorf("Severity(%g, %g, %g) = %g, want %g", tt.dead, tt.missing, tt.nonFatal, got, tt.want)
			}
		})
	}
}

func TestClassOf(t *testing.T) {
	tests := []struct {
		risk float64
		want Class
	}{
		{0, Low}, {0.999, Low}, {MediumFrom, Medium}, {9.999, Medium}, {HighFrom, High},
		{49.99, High}, {CriticalFrom, Critical}, {1e6, Critical},
	}
	for _, tt := range tests {
		if got := ClassOf(tt.risk); got != tt.want {
			t.Errorf("ClassOf(%g) = %s, want %s", tt.risk, got, tt.want)
		}
	}
}
