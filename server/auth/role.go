package auth

import "github.com/routerisk/routerisk/geodata/account"

// Role is what a caller may do (see account.Role).
type Role = account.Role

// The roles, weakest first.
const (
	Viewer  = account.Viewer
	Partner = account.Partner
	Staff   = account.Staff
	Editor  = account.Editor
	Admin   = account.Admin
)

// Roles lists every role, weakest first.
var Roles = account.Roles

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) { return account.ParseRole(s) }

// Principal is an authenticated caller (see account.Principal).
type Principal = account.Principal
