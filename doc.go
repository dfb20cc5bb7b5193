// Package fastauth is the contract every part of fastauth is written
// against: the authenticated Principal, organization roles, the domain
// types a storage backend persists, the sentinel errors and the stable
// error codes of the HTTP API, the Authentication a sign-in method
// completes, and the Module and Host interfaces through which capabilities
// plug into the kernel.
//
// It depends on nothing but the standard library, so that the kernel
// (package ginauth), the storage implementation (package store) and every
// module import it without importing each other. Applications mostly use
// the names through package ginauth, which re-exports them.
package fastauth
