// Package architecture holds the rules of RouteRisk's layout (see
// docs/architecture.md) and a test that checks them on every run: the
// domain (geodata) imports no transport, storage or cache; adapters import
// neither HTTP nor the access rules nor the use cases; use cases import no
// HTTP and no concrete adapter; handlers reach storage only through use
// cases. A broken rule fails with the rule's name.
package architecture
