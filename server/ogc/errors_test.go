package ogc_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestErrors(t *testing.T) {
	e := newApp(t, fixtureLayers(t))
	const items = "/ogc/collections/incidents/items"
	tests := []struct {
		method, target string
		status         int
		code           string
		says           string
	}{
		{"GET", "/ogc/collections/nope", 404, "not_found", `collection "nope" does not exist; http://example.com/ogc/collections lists`},
		{"GET", "/ogc/collections/nope/items", 404, "not_found", `collection "nope" does not exist`},
		{"GET", "/ogc/collections/nope/queryables", 404, "not_found", `collection "nope" does not exist`},
		{"GET", "/ogc/collections/nope/items/i1", 404, "not_found", `collection "nope" does not exist`},
		{"GET", items + "/zzz", 404, "not_found", `has no feature "zzz"`},
		{"GET", "/ogc/nothing-here", 404, "not_found", "nothing at"},
		{"GET", items + "?foo=1", 400, "invalid", `unknown parameter "foo"; collection "incidents" accepts f, bbox`},
		{"GET", items + "?bbox=1,2,3", 400, "invalid", `"bbox" has 3 numbers`},
		{"GET", items + "?bbox=NaN,0,1,1", 400, "invalid", "not a finite number"},
		{"GET", items + "?bbox=10,1,20,0", 400, "invalid", "minimum latitude greater than its maximum"},
		{"GET", items + "?bbox-crs=EPSG:4326&bbox=0,0,1,1", 400, "invalid", `"bbox-crs" is "EPSG:4326" (latitude first), which is not offered; this server offers only http://www.opengis.net/def/crs/OGC/1.3/CRS84`},
		{"GET", items + "?crs=http://www.opengis.net/def/crs/EPSG/0/3857", 400, "invalid", "offers only http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
		{"GET", items + "?crs=a&crs=b", 400, "invalid", "more than once"},
		{"GET", items + "?datetime=soon", 400, "invalid", "RFC 3339"},
		{"GET", items + "?datetime=2020-01-01&datetime=2021-01-01", 400, "invalid", "more than once"},
		{"GET", "/ogc/collections/routes/items?datetime=2020-01-01", 400, "invalid", `collection "routes" has no time property`},
		{"GET", items + "?limit=0", 400, "invalid", `"limit"`},
		{"GET", items + "?limit=many", 400, "invalid", `"limit"`},
		{"GET", items + "?offset=-1", 400, "invalid", `"offset"`},
		{"GET", items + "?precision=99", 400, "invalid", `"precision"`},
		{"GET", items + "?properties=secret", 400, "invalid", `"secret", which layer "incidents" does not have`},
		{"GET", items + "?dead=many", 400, "invalid", `"dead" is "many", not a whole number; property "dead" holds whole numbers`},
		{"GET", items + "?dead=1.5", 400, "invalid", "not a whole number"},
		{"GET", items + "?cause_category=", 400, "invalid", "is empty"},
		{"GET", "/ogc/collections/routes/items?approximate=maybe", 400, "invalid", "not true or false"},
		{"GET", "/ogc/collections/routes/items?length_km=far", 400, "invalid", "not a number"},
		{"GET", items + "?f=xml", 400, "invalid", `"f" is "xml"; use f=json`},
		{"GET", items + "?f=json&f=html", 400, "invalid", "more than once"},
		{"GET", "/ogc?foo=1", 400, "invalid", `unknown parameter "foo"; this resource accepts: f`},
		{"GET", "/ogc/collections?bbox=0,0,1,1", 400, "invalid", `unknown parameter "bbox"`},
		{"GET", "/ogc/collections/incidents?limit=1", 400, "invalid", `unknown parameter "limit"`},
		{"GET", "/ogc/api?x=1", 400, "invalid", "unknown parameter"},
		{"GET", "/ogc/conformance?f=pdf", 400, "invalid", `"f" is "pdf"`},
		{"GET", "/ogc/collections/incidents/queryables?limit=1", 400, "invalid", "unknown parameter"},
		{"GET", items + "/i1?crs=EPSG:4326", 400, "invalid", "not offered"},
		{"GET", items + "/i1?limit=1", 400, "invalid", `unknown parameter "limit"; this resource accepts: f, crs`},
		{"POST", "/ogc/collections", 405, "method_not_allowed", "not allowed"},
		{"DELETE", items + "/i1", 405, "method_not_allowed", "not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			r := do(t, e, tt.method, tt.target)
			if r.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", r.Code, tt.status, r.Body)
			}
			var raw map[string]any
			if err := json.Unmarshal(r.Body.Bytes(), &raw); err != nil {
				t.Fatalf("error body is not JSON: %s", r.Body)
			}
			code, _ := raw["code"].(string)
			msg, _ := raw["message"].(string)
			rid, _ := raw["request_id"].(string)
			if _, ok := raw["details"].(map[string]any); !ok {
				t.Error("error body has no details object")
			}
			if code != tt.code || !strings.Contains(msg, tt.says) || rid == "" || rid != r.Header().Get(echo.HeaderXRequestID) {
				t.Errorf("body = %s; want code %q, a message saying %q and the request id", r.Body, tt.code, tt.says)
			}
		})
	}
}

func TestUnknownParameterNamesWhatIsAccepted(t *testing.T) {
	e := newApp(t, fixtureLayers(t))
	var body struct {
		Details struct {
			Parameter string
			Allowed   []string
		}
	}
	r := get(t, e, "/ogc/collections/routes/items?colour=red")
	if r.Code != http.StatusBadRequest {
		t.Fatalf("status %d", r.Code)
	}
	r.decode(t, &body)
	want := "f bbox bbox-crs datetime limit offset crs properties precision approximate length_km mode name"
	if body.Details.Parameter != "colour" || strings.Join(body.Details.Allowed, " ") != want {
		t.Errorf("details = %+v; want allowed %s", body.Details, want)
	}
}
