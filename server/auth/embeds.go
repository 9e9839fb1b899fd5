package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Embed token errors. Each message tells the reader of a report what to do.
var (
	// ErrEmbedInvalid: the token was altered, cut short or signed with
	// another key.
	ErrEmbedInvalid = errors.New("this embedded map's link is not valid: it was changed or cut short; ask whoever published the report for the link again")
	// ErrEmbedRevoked: an admin withdrew the token.
	ErrEmbedRevoked = errors.New("this embedded map was withdrawn by the map's publisher; ask them for a new link")
)

// EmbedExpiredError says when a token stopped working.
type EmbedExpiredError struct{ At time.Time }

func (e *EmbedExpiredError) Error() string {
	return "this embedded map's link expired on " + e.At.UTC().Format("2 January 2006 15:04 UTC") + "; ask whoever published the report for a new one"
}

// EmbedTier is how much of a restricted layer an embed shows: the names
// are those of the privacy tiers, and an embed never has the staff tier.
type EmbedTier string

// Embed tiers.
const (
	EmbedPublic  EmbedTier = "public"  // aggregated cells
	EmbedPartner EmbedTier = "partner" // rounded points
)

// embedPrefix starts every embed token (and names its format version).
const embedPrefix = "rre1."

// Limits of an embed token's content, so that it fits in a URL.
const (
	MaxEmbedParams  = 2000 // bytes of the fixed query string
	MaxEmbedTitle   = 200  // runes of the title
	MaxEmbedLayers  = 20
	MaxEmbedDays    = 365
	maxEmbedToken   = 8192
	embedKeyBytes   = 32
	maxEmbedNameLen = 100
)

// EmbedView is the map view an embed shows: a box, or a centre and zoom.
type EmbedView struct {
	BBox *[4]float64 `json:"bbox,omitempty"` // minLon, minLat, maxLon, maxLat
	Z    *int        `json:"z,omitempty"`
	Lat  *float64    `json:"lat,omitempty"`
	Lon  *float64    `json:"lon,omitempty"`
}

// validate checks a view's numbers.
func (v EmbedView) validate() error {
	if v.BBox != nil {
		b := *v.BBox
		for _, x := range b {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return errors.New("view.bbox must hold four finite numbers")
			}
		}
		if b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 || b[0] >= b[2] || b[1] >= b[3] {
			return errors.New("view.bbox must be minLon,minLat,maxLon,maxLat within -180..180 and -90..90, min below max")
		}
		return nil
	}
	if v.Z == nil || v.Lat == nil || v.Lon == nil {
		return errors.New("give the view as bbox [minLon,minLat,maxLon,maxLat] or as z, lat and lon")
	}
	if *v.Z < 0 || *v.Z > 18 || *v.Lat < -85 || *v.Lat > 85 || *v.Lon < -180 || *v.Lon > 180 || math.IsNaN(*v.Lat) || math.IsNaN(*v.Lon) {
		return errors.New("view z must be 0–18, lat -85..85 and lon -180..180")
	}
	return nil
}

// EmbedClaims is what a signed embed token fixes: the view, the layers,
// the filters and the tier (public or partner, never staff), until it
// expires.
type EmbedClaims struct {
	ID        string    `json:"id"`
	Tier      EmbedTier `json:"tier"`
	View      EmbedView `json:"view"`
	Layers    []string  `json:"layers"`
	Params    string    `json:"params,omitempty"` // filters and risk settings, as the dashboard's URL writes them
	Title     string    `json:"title,omitempty"`
	Lang      string    `json:"lang,omitempty"`
	Legend    bool      `json:"legend"`
	AsOf      string    `json:"asof,omitempty"` // YYYY-MM-DD
	ExpiresAt time.Time `json:"expires_at"`
}

var (
	layerIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$`)
	langPattern    = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$`)
)

// Validate checks claims before they are signed.
func (c *EmbedClaims) Validate() error {
	var problems []string
	if c.Tier != EmbedPublic && c.Tier != EmbedPartner {
		problems = append(problems, fmt.Sprintf("tier must be public or partner (embeds never show the staff tier), got %q", c.Tier))
	}
	if err := c.View.validate(); err != nil {
		problems = append(problems, err.Error())
	}
	if len(c.Layers) == 0 || len(c.Layers) > MaxEmbedLayers {
		problems = append(problems, fmt.Sprintf("layers must name 1–%d layers", MaxEmbedLayers))
	}
	for _, l := range c.Layers {
		if !layerIDPattern.MatchString(l) {
			problems = append(problems, fmt.Sprintf("layer id %q is not valid", truncateRunes(l, 40)))
		}
	}
	if len(c.Params) > MaxEmbedParams {
		problems = append(problems, fmt.Sprintf("params must be at most %d bytes", MaxEmbedParams))
	}
	if strings.ContainsAny(c.Params, "\x00\r\n") {
		problems = append(problems, "params must be a query string on one line")
	}
	if n := len([]rune(c.Title)); n > MaxEmbedTitle {
		problems = append(problems, fmt.Sprintf("title must be at most %d characters, got %d", MaxEmbedTitle, n))
	}
	if c.Lang != "" && !langPattern.MatchString(c.Lang) {
		problems = append(problems, "lang must be a language code such as en or fr")
	}
	if c.AsOf != "" {
		if _, err := time.Parse("2006-01-02", c.AsOf); err != nil {
			problems = append(problems, "asof must be a date written YYYY-MM-DD")
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// EmbedRecord is what is kept of an issued embed token, for listing and
// revoking (the claims other than these travel in the token itself).
type EmbedRecord struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Tier      EmbedTier  `json:"tier"`
	Layers    []string   `json:"layers"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// EmbedFile signs and checks embed tokens and keeps the issued ones in one
// JSON file (DIR/embeds.json, mode 0600), re-read when another process
// changed it. The signing key is given, or made once and kept in the file.
type EmbedFile struct {
	path string
	mu   sync.Mutex
	mod  time.Time
	size int64
	doc  embedDoc
	key  []byte // from the configuration; nil uses doc.Key
}

type embedDoc struct {
	Key    string        `json:"key,omitempty"` // hex HMAC-SHA256 key, when not configured
	Embeds []EmbedRecord `json:"embeds"`
}

// OpenEmbedFile opens the embed file in dir. key, when not empty, signs
// tokens (every replica must share it); otherwise a random key is made and
// kept in the file.
func OpenEmbedFile(dir string, key []byte) (*EmbedFile, error) {
	if len(key) > 0 && len(key) < 16 {
		return nil, errors.New("the embed key must be at least 16 bytes")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("embed folder %s: %w", dir, err)
	}
	f := &EmbedFile{path: filepath.Join(dir, "embeds.json"), key: key}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.reload(); err != nil {
		return nil, err
	}
	if len(key) == 0 && f.doc.Key == "" {
		k := make([]byte, embedKeyBytes)
		if _, err := rand.Read(k); err != nil {
			return nil, err
		}
		f.doc.Key = hex.EncodeToString(k)
		if err := f.save(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (f *EmbedFile) reload() error {
	st, err := os.Stat(f.path)
	if errors.Is(err, os.ErrNotExist) {
		f.doc, f.mod, f.size = embedDoc{}, time.Time{}, 0
		return nil
	}
	if err != nil {
		return err
	}
	if st.ModTime().Equal(f.mod) && st.Size() == f.size {
		return nil
	}
	data, err := os.ReadFile(f.path)
	if err != nil {
		return err
	}
	var doc embedDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s is not a valid embed file: %w", f.path, err)
	}
	if doc.Key != "" {
		if k, err := hex.DecodeString(doc.Key); err != nil || len(k) < 16 {
			return fmt.Errorf("%s: the key is not 16 or more hex bytes", f.path)
		}
	}
	f.doc, f.mod, f.size = doc, st.ModTime(), st.Size()
	return nil
}

func (f *EmbedFile) save() error {
	if err := writeJSONFile(f.path, f.doc); err != nil {
		return err
	}
	f.mod = time.Time{}
	return f.reload()
}

func (f *EmbedFile) signingKey() []byte {
	if len(f.key) > 0 {
		return f.key
	}
	k, _ := hex.DecodeString(f.doc.Key) // checked by reload
	return k
}

// Issue signs claims (their ID and expiry are set here, from days) and
// records the token under name, made by by. It returns the token.
func (f *EmbedFile) Issue(c EmbedClaims, name string, days int, by Principal) (string, EmbedRecord, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "embed"
	}
	if len([]rune(name)) > maxEmbedNameLen {
		return "", EmbedRecord{}, fmt.Errorf("name must be at most %d characters", maxEmbedNameLen)
	}
	if days < 1 || days > MaxEmbedDays {
		return "", EmbedRecord{}, fmt.Errorf("expires_in_days must be between 1 and %d, got %d", MaxEmbedDays, days)
	}
	if err := c.Validate(); err != nil {
		return "", EmbedRecord{}, err
	}
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return "", EmbedRecord{}, err
	}
	c.ID = hex.EncodeToString(id)
	c.ExpiresAt = time.Now().UTC().Add(time.Duration(days) * 24 * time.Hour).Truncate(time.Second)
	payload, err := json.Marshal(c)
	if err != nil {
		return "", EmbedRecord{}, err
	}
	rec := EmbedRecord{ID: c.ID, Name: name, Tier: c.Tier, Layers: c.Layers, CreatedBy: by.Name,
		CreatedAt: time.Now().UTC().Truncate(time.Second), ExpiresAt: c.ExpiresAt}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.reload(); err != nil {
		return "", EmbedRecord{}, err
	}
	f.doc.Embeds = append(f.doc.Embeds, rec)
	if err := f.save(); err != nil {
		return "", EmbedRecord{}, err
	}
	return signEmbed(f.signingKey(), payload), rec, nil
}

// signEmbed returns prefix + payload + "." + MAC, both base64url.
func signEmbed(key, payload []byte) string {
	body := embedPrefix + base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(body))
	return body + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// Verify checks a token's signature, expiry and revocation and returns its
// claims. Errors: ErrEmbedInvalid, *EmbedExpiredError, ErrEmbedRevoked.
func (f *EmbedFile) Verify(token string) (EmbedClaims, error) {
	if len(token) > maxEmbedToken || !strings.HasPrefix(token, embedPrefix) {
		return EmbedClaims{}, ErrEmbedInvalid
	}
	body, sig, ok := strings.Cut(token[len(embedPrefix):], ".")
	if !ok {
		return EmbedClaims{}, ErrEmbedInvalid
	}
	gotMAC, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return EmbedClaims{}, ErrEmbedInvalid
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.reload(); err != nil {
		return EmbedClaims{}, err
	}
	mac := hmac.New(sha256.New, f.signingKey())
	mac.Write([]byte(embedPrefix + body))
	if !hmac.Equal(gotMAC, mac.Sum(nil)) {
		return EmbedClaims{}, ErrEmbedInvalid
	}
	payload, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return EmbedClaims{}, ErrEmbedInvalid
	}
	var c EmbedClaims
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || c.Validate() != nil {
		return EmbedClaims{}, ErrEmbedInvalid
	}
	if !time.Now().Before(c.ExpiresAt) {
		return EmbedClaims{}, &EmbedExpiredError{At: c.ExpiresAt}
	}
	// Only a revocation on record refuses a well-signed token: one not on
	// record was issued by a replica whose write this one has not read yet.
	i := slices.IndexFunc(f.doc.Embeds, func(r EmbedRecord) bool { return r.ID == c.ID })
	if i >= 0 && f.doc.Embeds[i].RevokedAt != nil {
		return EmbedClaims{}, ErrEmbedRevoked
	}
	return c, nil
}

// Revoke withdraws the embed token with the given id.
func (f *EmbedFile) Revoke(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.reload(); err != nil {
		return err
	}
	for i := range f.doc.Embeds {
		if f.doc.Embeds[i].ID == id && f.doc.Embeds[i].RevokedAt == nil {
			now := time.Now().UTC()
			f.doc.Embeds[i].RevokedAt = &now
			return f.save()
		}
	}
	return fmt.Errorf("no active embed has id %q", truncateRunes(id, 40))
}

// List returns every issued embed, newest first.
func (f *EmbedFile) List() ([]EmbedRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.reload(); err != nil {
		return nil, err
	}
	out := slices.Clone(f.doc.Embeds)
	slices.Reverse(out)
	return out, nil
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
