// Package models holds the GORM models of the tables package store keeps
// fastauth's state in. Every table name starts with "auth_" so the tables
// can live next to an application's own.
//
// Conventions shared by every model: ids are UUID strings (size 36); secret
// tokens and keys are stored only as the lowercase hex of their SHA-256
// (size 64, unique index); times are UTC with microsecond precision
// (precision:6, i.e. DATETIME(6) on MySQL; timestamptz on PostgreSQL,
// which keeps microseconds by default) and are never filled in by GORM
// (autoCreateTime/autoUpdateTime are off): the store writes the time its
// caller passes. Columns tagged fastauth:"exact" (addresses, token and key
// hashes, the pending-invite key, roles and kinds) are compared byte for
// byte: on MySQL/MariaDB, whose default collations ignore case, accents and
// width, the store gives them the binary collation utf8mb4_bin. Ids keep
// the database's default collation, so that an application's own tables
// can reference them with foreign keys (ids are lowercase UUIDs, checked
// before any lookup). Create the tables with store.(*Store).AutoMigrate
// rather than gorm's AutoMigrate directly: it also sets those collations
// and keeps repeated migrations on PostgreSQL free of needless ALTERs.
package models
