package formats

import (
	"fmt"
	"strconv"
	"strings"
)

// CellText writes a property value as one CSV cell: numbers in full
// precision, lists joined with "; ", nothing for null.
func CellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case []string:
		return strings.Join(x, "; ")
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = CellText(p)
		}
		return strings.Join(parts, "; ")
	default:
		return fmt.Sprint(x)
	}
}
