// Package nete2e holds the network's end-to-end tests: the hub
// (internal/hubserver) and national nodes (internal/node) assembled as
// serve assembles them, each with its own database and a certificate of a
// fresh network CA, talking over real mutual TLS on loopback. It has no
// code outside its tests.
package nete2e
