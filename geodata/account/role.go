package account

import (
	"fmt"
	"strings"
)

// Role is what a caller may do. Roles are ordered: each includes the ones
// before it.
type Role string

// The roles, weakest first.
const (
	Viewer  Role = "viewer"  // reads public layers (as anonymous callers do)
	Partner Role = "partner" // reads restricted layers at reduced precision
	Staff   Role = "staff"   // reads restricted layers exactly
	Editor  Role = "editor"  // uploads, replaces, restores and deletes layers
	Admin   Role = "admin"   // everything, and reads the audit log
)

// Roles lists every role, weakest first.
var Roles = []Role{Viewer, Partner, Staff, Editor, Admin}

func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i
		}
	}
	return -1
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() >= 0 }

// AtLeast reports whether r includes what min allows.
func (r Role) AtLeast(min Role) bool { return r.Valid() && r.rank() >= min.rank() }

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", fmt.Errorf("role %q is not one of viewer, partner, staff, editor, admin", s)
	}
	return r, nil
}

// Principal is an authenticated caller.
type Principal struct {
	Name    string `json:"name"`
	Role    Role   `json:"role"`
	TokenID string `json:"token_id"` // the public id of the token used, never the token
	// Session is true when the caller came with a session cookie rather
	// than a bearer token; such writes must carry the CSRF token.
	Session bool `json:"-"`
}

// Actor names the caller in the audit log and in updated_by.
func (p Principal) Actor() string {
	return p.Name + " (" + string(p.Role) + ", token " + p.TokenID + ")"
}
