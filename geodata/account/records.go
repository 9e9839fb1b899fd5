package account

import (
	"crypto/subtle"
	"fmt"
	"time"
)

// TokenRecord is what is kept of an API token: never the token itself,
// only a hash of it (package auth makes and checks tokens).
type TokenRecord struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Role      Role       `json:"role"`
	Hash      string     `json:"hash"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Principal is who the record's token stands for.
func (r TokenRecord) Principal() Principal {
	return Principal{Name: r.Name, Role: r.Role, TokenID: r.ID}
}

// Check reports a record that cannot be kept: without id or hash, or with
// an unknown role.
func (r TokenRecord) Check() error {
	if r.ID == "" || r.Hash == "" || !r.Role.Valid() {
		return fmt.Errorf("token record %q is incomplete", r.ID)
	}
	return nil
}

// Session is a signed-in browser: who it is, until when, and the CSRF
// token its writes must echo in the X-CSRF-Token header.
type Session struct {
	Principal Principal
	Expires   time.Time
	CSRF      string
}

// CheckCSRF reports whether got is the session's CSRF token (compared in
// constant time).
func (s Session) CheckCSRF(got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) == 1
}

// EmbedTier is how much of a restricted layer an embed shows: the names
// are those of the privacy tiers, and an embed never has the staff tier.
type EmbedTier string

// Embed tiers.
const (
	EmbedPublic  EmbedTier = "public"  // aggregated cells
	EmbedPartner EmbedTier = "partner" // rounded points
)

// Valid reports whether t is a tier an embed may have.
func (t EmbedTier) Valid() bool { return t == EmbedPublic || t == EmbedPartner }

// EmbedRecord is what is kept of an issued embed token, for listing and
// revoking (the claims other than these travel in the token itself).
type EmbedRecord struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Tier      EmbedTier  `json:"tier"`
	Layers    []string   `json:"layers"`
	Params    string     `json:"params,omitempty"` // the filters and risk settings it shows, as its signed claims carry them
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Check reports a record that cannot be kept: without id, with a tier an
// embed may not have, or without its dates.
func (r EmbedRecord) Check() error {
	if r.ID == "" || !r.Tier.Valid() || r.CreatedAt.IsZero() || r.ExpiresAt.IsZero() {
		return fmt.Errorf("embed record %q is incomplete", r.ID)
	}
	return nil
}
