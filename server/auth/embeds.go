package auth

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/account"
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

// Error says when the link expired and what the reader can do.
func (e *EmbedExpiredError) Error() string {
	return "this embedded map's link expired on " + e.At.UTC().Format("2 January 2006 15:04 UTC") + "; ask whoever published the report for a new one"
}

// EmbedTier is how much of a restricted layer an embed shows (see
// account.EmbedTier): public or partner, never staff.
type EmbedTier = account.EmbedTier

// Embed tiers.
const (
	EmbedPublic  = account.EmbedPublic  // aggregated cells
	EmbedPartner = account.EmbedPartner // rounded points
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
	embedKeyBytes   = 32 // of a key made here
	minEmbedKey     = 16 // of a key given or stored
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
	if !c.Tier.Valid() {
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
			problems = append(problems, fmt.Sprintf("layer id %q is not valid", geodata.Truncate(l, 40)))
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
// revoking (see account.EmbedRecord).
type EmbedRecord = account.EmbedRecord

// EmbedStore keeps the records of issued embed tokens and, unless one is
// configured, the key that signs them: a file in the data folder, or
// PostGIS shared by every replica. It never sees a token.
type EmbedStore interface {
	// Add keeps rec unless a record with its id is kept already, and
	// reports whether it did. It records new embeds, and copies records
	// from another store (dates and revocation as they are).
	Add(ctx context.Context, rec EmbedRecord) (bool, error)
	// List returns every record, oldest first, in a new slice.
	List(ctx context.Context) ([]EmbedRecord, error)
	// Revoke marks the record with id revoked now, and reports false when
	// no record with that id is active.
	Revoke(ctx context.Context, id string) (bool, error)
	// Revoked reports whether a record with id is kept and revoked.
	Revoked(ctx context.Context, id string) (bool, error)
	// Key returns the signing key kept in the store; when none is kept
	// yet, it keeps candidate and returns it. Every caller gets the key
	// kept first, also when several ask at once.
	Key(ctx context.Context, candidate []byte) ([]byte, error)
}

// Embeds signs and checks embed tokens and keeps the issued ones in an
// EmbedStore, where withdrawals take effect for everyone who reads it.
type Embeds struct {
	store EmbedStore
	key   []byte
}

// OpenEmbeds returns the embeds kept in store. key, when not empty, signs
// tokens (every replica must share it); otherwise the store's key is used,
// made at random the first time.
func OpenEmbeds(ctx context.Context, store EmbedStore, key []byte) (*Embeds, error) {
	if len(key) > 0 && len(key) < minEmbedKey {
		return nil, fmt.Errorf("the embed key must be at least %d bytes", minEmbedKey)
	}
	if len(key) == 0 {
		candidate := make([]byte, embedKeyBytes)
		if _, err := rand.Read(candidate); err != nil {
			return nil, err
		}
		k, err := store.Key(ctx, candidate)
		if err != nil {
			return nil, fmt.Errorf("the embed signing key: %w", err)
		}
		if len(k) < minEmbedKey {
			return nil, fmt.Errorf("the stored embed signing key has %d bytes, fewer than %d", len(k), minEmbedKey)
		}
		key = k
	}
	return &Embeds{store: store, key: bytes.Clone(key)}, nil
}

// Issue signs claims (their ID and expiry are set here, from days) and
// records the token under name, made by by. It returns the token.
func (e *Embeds) Issue(c EmbedClaims, name string, days int, by Principal) (string, EmbedRecord, error) {
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
	rec := EmbedRecord{ID: c.ID, Name: name, Tier: c.Tier, Layers: c.Layers, Params: c.Params, CreatedBy: by.Name,
		CreatedAt: time.Now().UTC().Truncate(time.Second), ExpiresAt: c.ExpiresAt}
	added, err := e.store.Add(context.Background(), rec)
	if err != nil {
		return "", EmbedRecord{}, fmt.Errorf("recording the embed: %w", err)
	}
	if !added {
		return "", EmbedRecord{}, fmt.Errorf("an embed with id %s exists already; try again", rec.ID)
	}
	return signEmbed(e.key, payload), rec, nil
}

// signEmbed returns prefix + payload + "." + MAC, both base64url.
func signEmbed(key, payload []byte) string {
	body := embedPrefix + base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(body))
	return body + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// Verify checks a token's signature, expiry and revocation and returns its
// claims. Errors: ErrEmbedInvalid, *EmbedExpiredError, ErrEmbedRevoked,
// or the store's when it cannot say whether the token was withdrawn.
func (e *Embeds) Verify(token string) (EmbedClaims, error) {
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
	mac := hmac.New(sha256.New, e.key)
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
	revoked, err := e.store.Revoked(context.Background(), c.ID)
	if err != nil {
		return EmbedClaims{}, err
	}
	if revoked {
		return EmbedClaims{}, ErrEmbedRevoked
	}
	return c, nil
}

// Revoke withdraws the embed token with the given id.
func (e *Embeds) Revoke(id string) error {
	ok, err := e.store.Revoke(context.Background(), id)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no active embed has id %q", geodata.Truncate(id, 40))
	}
	return nil
}

// List returns every issued embed, newest first.
func (e *Embeds) List() ([]EmbedRecord, error) {
	out, err := e.store.List(context.Background())
	if err != nil {
		return nil, err
	}
	slices.Reverse(out)
	return out, nil
}
