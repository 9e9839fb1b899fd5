// Package store keeps layer versions. Files, the embedded default, keeps
// them in one folder on disk: every version is written to a temporary
// folder, synced, then renamed into place, and the layer's "current"
// pointer is replaced the same way, so a crash leaves either the old or
// the new version visible, never half of one. PostGIS keeps them in
// PostgreSQL, shared by every replica: a version, its features (with a
// GiST index) and its audit entry are written in one transaction, which
// announces the change to the other replicas (Watch). Old versions are
// kept by both.
//
// Both also keep the account records package auth declares stores for:
// API token records (TokenFile: DIR/tokens.json; PostGISTokens) and issued
// embeds with their withdrawals and signing key (EmbedFile:
// DIR/embeds.json; PostGISEmbeds). In PostGIS every replica on one
// database shares them; the files are shared only by processes on one
// folder.
package store
