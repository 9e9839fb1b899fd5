// Package account holds the account records that access rules and storage
// share: roles and their order, the principal a caller is, and what is kept
// of API tokens, browser sessions and signed embeds. It is plain data with
// no behaviour beyond checking a record is whole; package auth decides who
// may do what with them, and the stores keep them. It imports only the
// standard library.
package account
