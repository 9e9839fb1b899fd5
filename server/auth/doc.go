// Package auth knows who is calling: API tokens (stored hashed, each with a
// name and a role), the browser sessions a token is exchanged for, and the
// order of roles that decides what a caller may do.
package auth
